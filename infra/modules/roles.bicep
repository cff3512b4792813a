// Data-plane roles for the app's identity (and optionally the deploying user): no keys anywhere.
param principalIds array
param storageAccountName string
param serviceBusName string
param communicationName string

var storageRoles = [
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner (runtime, deployment package)
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor (durable task hub)
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor (app tables, durable history)
]
var serviceBusRoles = [
  '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39' // Azure Service Bus Data Sender
  '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0' // Azure Service Bus Data Receiver
]
var communicationRoles = [
  'b24988ac-6180-42a0-ab88-20f7382dd24c' // Contributor on the ACS resource (Entra auth to ACS data plane)
]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' existing = {
  name: serviceBusName
}

resource acs 'Microsoft.Communication/communicationServices@2023-04-01' existing = {
  name: communicationName
}

resource storageAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for pair in flatten(map(principalIds, p => map(storageRoles, r => { principal: p, role: r }))): {
  scope: account
  name: guid(account.id, pair.principal, pair.role)
  properties: {
    principalId: pair.principal
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', pair.role)
  }
}]

resource serviceBusAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for pair in flatten(map(principalIds, p => map(serviceBusRoles, r => { principal: p, role: r }))): {
  scope: namespace
  name: guid(namespace.id, pair.principal, pair.role)
  properties: {
    principalId: pair.principal
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', pair.role)
  }
}]

resource communicationAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for pair in flatten(map(principalIds, p => map(communicationRoles, r => { principal: p, role: r }))): {
  scope: acs
  name: guid(acs.id, pair.principal, pair.role)
  properties: {
    principalId: pair.principal
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', pair.role)
  }
}]
