import { app } from '@azure/functions';
import { loadSettings } from '../shared/config/settings';

// Settings are validated when the app starts, so a bad one fails the host (the error names every bad
// setting) instead of the first request that reads it.
app.hook.appStart(() => {
  loadSettings();
});
