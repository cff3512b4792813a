// Appointment events: CloudEvents on one topic; message id = event id, so duplicate detection drops resends.
param name string
param location string
param tags object
param logAnalyticsId string

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: 'Standard', tier: 'Standard' }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = {
  parent: namespace
  name: 'appointment-events'
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'P1D'
    defaultMessageTimeToLive: 'P14D'
    maxSizeInMegabytes: 5120
  }
}

// A rolling seven-day window of every event for inspection (peek, never receive). Expired events are
// dropped, not dead-lettered: nothing reads this subscription, so it can never fill the topic.
resource auditSubscription 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = {
  parent: topic
  name: 'audit'
  properties: {
    defaultMessageTimeToLive: 'P7D'
    deadLetteringOnMessageExpiration: false
    maxDeliveryCount: 10
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: namespace
  properties: {
    workspaceId: logAnalyticsId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

output id string = namespace.id
output name string = namespace.name
// serviceBusEndpoint is https://<host>:443/; the SDK wants the bare host.
output fullyQualifiedNamespace string = parseUri(namespace.properties.serviceBusEndpoint).host
output topicName string = topic.name
