// Alerts an operator needs from day one. Log alerts read the app's JSON log lines (shared/adapters/logging)
// and the Functions host's request and Durable Task telemetry in Application Insights.
param token string
param location string
param tags object
@description('Who is told; empty: alerts only show in the portal.')
param alertEmail string
param appInsightsId string
param serviceBusId string

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: 'ag-${token}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'appts'
    enabled: true
    emailReceivers: [ { name: 'operator', emailAddress: alertEmail, useCommonAlertSchema: true } ]
  }
}

var actions = empty(alertEmail) ? [] : [ actionGroup.id ]

// A message that reached its delivery limit on any subscription: a consumer is failing.
resource deadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'dead-letters-${token}'
  location: 'global'
  tags: tags
  properties: {
    description: 'Service Bus holds dead-lettered appointment events.'
    severity: 2
    enabled: true
    scopes: [ serviceBusId ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'deadLettered'
          metricName: 'DeadletteredMessages'
          timeAggregation: 'Maximum'
          operator: 'GreaterThan'
          threshold: 0
        }
      ]
    }
    actions: [for id in actions: { actionGroupId: id }]
  }
}

var logAlerts = [
  {
    name: 'health-503'
    description: 'GET /api/health answered 503: a dependency (storage) is down.'
    severity: 1
    query: 'requests | where name has "health" and resultCode == "503"'
  }
  {
    name: 'failed-orchestrations'
    description: 'An appointment orchestration failed.'
    severity: 2
    query: 'traces | where customDimensions.Category startswith "Host.Triggers.DurableTask" and customDimensions.prop__functionType == "Orchestrator" and customDimensions.prop__state == "Failed"'
  }
  {
    name: 'outbox-stuck'
    description: 'An outbox row has kept failing for more than 15 minutes.'
    severity: 2
    query: 'traces | where message has "outbox.message.failed" | extend row = tostring(parse_json(message).appointmentId) | summarize first = min(timestamp), last = max(timestamp) by row | where last - first > 15m'
  }
  {
    name: 'notification-failures'
    description: 'An email or SMS could not be sent after its retries.'
    severity: 3
    query: 'traces | where message has "lifecycle.notification.failed"'
  }
]

resource logAlertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [for alert in logAlerts: {
  name: '${alert.name}-${token}'
  location: location
  tags: tags
  properties: {
    description: alert.description
    severity: alert.severity
    enabled: true
    scopes: [ appInsightsId ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT30M'
    criteria: {
      allOf: [
        {
          query: alert.query
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: actions }
  }
}]
