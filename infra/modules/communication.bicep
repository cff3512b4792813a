// Azure Communication Services (identity, rooms, chat, SMS) with an Email service on an Azure-managed domain.
param token string
param tags object
@description('ACS data residency.')
param dataLocation string = 'United States'

resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = {
  name: 'email-${token}'
  location: 'global'
  tags: tags
  properties: { dataLocation: dataLocation }
}

resource emailDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource acs 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: 'acs-${token}'
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [ emailDomain.id ]
  }
}

output name string = acs.name
output endpoint string = 'https://${acs.properties.hostName}'
output emailSender string = 'DoNotReply@${emailDomain.properties.mailFromSenderDomain}'
