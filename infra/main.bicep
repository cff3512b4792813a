// Deploys the virtual-appointments backend: `azd up` (see azure.yaml). Keyless: the function app reaches
// Storage, Service Bus and Communication Services with its user-assigned managed identity.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; used to name the resource group and resources.')
param environmentName string

@minLength(1)
@description('Azure region for every resource.')
param location string

@description('Object id of the deploying user, granted data access for local debugging against Azure. Optional.')
param principalId string = ''

@description('Entra ID issuer of staff tokens, e.g. https://login.microsoftonline.com/<tenant>/v2.0')
param authIssuer string

@description('Audience (application ID URI or client id) of staff tokens.')
param authAudience string

@description('JWKS URL of the issuer, e.g. https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys')
param authJwksUrl string

@description('Browser origins allowed by CORS, comma separated.')
param corsAllowedOrigins string = ''

@description('SMS sender (E.164 toll-free or short code bought in the ACS resource). Empty = SMS disabled.')
param smsFromNumber string = ''

@description('Countries (ISO codes, comma separated) the SMS number reaches; empty = what the number implies (toll-free: US,CA,PR). Other consumers get email only.')
param smsCountries string = ''

var tags = { 'azd-env-name': environmentName }
var token = toLower(uniqueString(subscription().id, environmentName, location))

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: { name: 'id-${token}', location: location, tags: tags }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: { token: token, location: location, tags: tags }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: { name: 'st${token}', location: location, tags: tags }
}

module messaging 'modules/servicebus.bicep' = {
  name: 'servicebus'
  scope: rg
  params: { name: 'sb-${token}', location: location, tags: tags }
}

module communication 'modules/communication.bicep' = {
  name: 'communication'
  scope: rg
  params: { token: token, tags: tags }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    name: 'func-${token}'
    location: location
    tags: union(tags, { 'azd-service-name': 'api' })
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    appSettings: {
      TABLE_STORAGE_ENDPOINT: storage.outputs.tableEndpoint
      TABLE_NAME_PREFIX: ''
      PUBLIC_BASE_URL: 'https://func-${token}.azurewebsites.net/api'
      CORS_ALLOWED_ORIGINS: corsAllowedOrigins
      MAX_BODY_BYTES: '65536'
      RATE_LIMIT_PER_SECOND: '50'
      RATE_LIMIT_BURST: '100'
      LOG_LEVEL: 'info'
      AUTH_ISSUER: authIssuer
      AUTH_AUDIENCE: authAudience
      AUTH_JWKS_URL: authJwksUrl
      ACS_ENDPOINT: communication.outputs.endpoint
      ACS_EMAIL_SENDER: communication.outputs.emailSender
      ACS_SMS_FROM: smsFromNumber
      ACS_SMS_COUNTRIES: smsCountries
      // Empty: the app creates its chat identity once and keeps it in Table Storage.
      ACS_CHAT_SERVICE_USER_ID: ''
      ACS_MAX_RETRIES: '3'
      ACS_RETRY_DELAY_MS: '800'
      ACS_MAX_RETRY_DELAY_MS: '30000'
      ACS_EMAIL_POLL_INTERVAL_MS: '1000'
      // Events go to the topic with the managed identity (Azure Service Bus Data Sender); no connection string in Azure.
      SERVICEBUS_FULLY_QUALIFIED_NAMESPACE: messaging.outputs.fullyQualifiedNamespace
      SERVICEBUS_TOPIC: messaging.outputs.topicName
      SERVICEBUS_CONNECTION_STRING: ''
    }
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  scope: rg
  params: {
    principalIds: empty(principalId) ? [ identity.outputs.principalId ] : [ identity.outputs.principalId, principalId ]
    storageAccountName: storage.outputs.name
    serviceBusName: messaging.outputs.name
    communicationName: communication.outputs.name
  }
}

output AZURE_RESOURCE_GROUP string = rg.name
output API_BASE_URL string = 'https://${functionApp.outputs.defaultHostName}/api'
output TABLE_STORAGE_ENDPOINT string = storage.outputs.tableEndpoint
output ACS_ENDPOINT string = communication.outputs.endpoint
output SERVICEBUS_FULLY_QUALIFIED_NAMESPACE string = messaging.outputs.fullyQualifiedNamespace
