// Azure Communication Services (identity, rooms, chat, SMS) with an Email service. Mail goes from the
// Azure-managed domain (low sending limits, for trials) until a custom domain is verified and linked.
param token string
param tags object
@description('ACS data residency.')
param dataLocation string
@description('Custom email domain; empty: none.')
param customDomain string
@description('True once the custom domain\'s DNS records are verified: link it and send from it.')
param customDomainVerified bool
param logAnalyticsId string

resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = {
  name: 'email-${token}'
  location: 'global'
  tags: tags
  properties: { dataLocation: dataLocation }
}

resource managedDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

// Created first unverified: the portal then shows the DNS records to add (README, custom email domain).
resource customEmailDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = if (!empty(customDomain)) {
  parent: emailService
  name: empty(customDomain) ? 'unused' : customDomain
  location: 'global'
  properties: {
    domainManagement: 'CustomerManaged'
    userEngagementTracking: 'Disabled'
  }
}

var sendFromCustomDomain = !empty(customDomain) && customDomainVerified

resource acs 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: 'acs-${token}'
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: sendFromCustomDomain ? [ customEmailDomain.id ] : [ managedDomain.id ]
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: acs
  properties: {
    workspaceId: logAnalyticsId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

output name string = acs.name
output endpoint string = 'https://${acs.properties.hostName}'
output emailSender string = sendFromCustomDomain ? 'DoNotReply@${customEmailDomain!.properties.mailFromSenderDomain}' : 'DoNotReply@${managedDomain.properties.mailFromSenderDomain}'
