// Deploys the virtual-appointments backend: `azd up` (see azure.yaml). Keyless: the function app reaches
// Storage, Service Bus, Communication Services and Application Insights with its user-assigned identity.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; used to name the resource group and resources.')
param environmentName string

// Flex Consumption exists only in some regions (`az functionapp list-flexconsumption-locations`).
@minLength(1)
@description('Azure region for every regional resource (Flex Consumption regions only).')
@metadata({ azd: { type: 'location' } })
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
param location string

@description('Object id of the deploying principal (azd: AZURE_PRINCIPAL_ID), granted data roles for debugging against Azure. Optional.')
param principalId string = ''

@description('Type of the deploying principal (azd: AZURE_PRINCIPAL_TYPE).')
@allowed([ 'User', 'ServicePrincipal', 'Group' ])
param principalType string = 'User'

@description('Entra ID issuer of staff tokens. Default: this tenant\'s v2.0 issuer.')
param authIssuer string = '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'

@description('Audience of staff tokens: the client id of the API\'s Entra app registration. Empty: staff sign-in stays off (staff endpoints answer 503) until it is set.')
param authAudience string = ''

@description('JWKS URL of the issuer. Default: this tenant\'s v2.0 signing keys.')
param authJwksUrl string = '${environment().authentication.loginEndpoint}${tenant().tenantId}/discovery/v2.0/keys'

@description('Browser origins allowed by CORS, comma separated.')
param corsAllowedOrigins string = ''

@description('SMS sender (E.164 toll-free or short code bought in the ACS resource). Empty = no SMS channel.')
param smsFromNumber string = ''

@description('Storage redundancy of the account that holds the appointments and the durable task hub.')
@allowed([ 'Standard_ZRS', 'Standard_LRS', 'Standard_GZRS', 'Standard_RAGZRS' ])
param storageSku string = 'Standard_ZRS'

@description('Where Communication Services and Email keep data at rest.')
@allowed([ 'Africa', 'Asia Pacific', 'Australia', 'Brazil', 'Canada', 'Europe', 'France', 'Germany', 'India', 'Japan', 'Korea', 'Norway', 'Switzerland', 'UAE', 'UK', 'United States' ])
param acsDataLocation string = 'United States'

@description('A custom email domain (e.g. mail.example.com). Empty: mail goes from the Azure-managed domain, which has low sending limits.')
param emailCustomDomain string = ''

// A string, not a bool: azd fills parameters from environment values, which are strings.
@description('\'true\' once the custom domain\'s DNS records are verified in the portal: the domain is then linked and used as sender.')
@allowed([ 'true', 'false' ])
param emailCustomDomainVerified string = 'false'

@description('Address that receives alert notifications. Empty: alerts fire in the portal only.')
param alertEmail string = ''

@description('Largest request body in bytes: the app answers 413 above it and the Functions host stops reading there.')
param maxBodyBytes int = 65536

@description('Countries (ISO codes, comma separated) the SMS number reaches; empty = what the number implies (toll-free: US,CA,PR). Other consumers get email only.')
param smsCountries string = ''

var tags = { 'azd-env-name': environmentName }
var token = toLower(uniqueString(subscription().id, environmentName, location))
// Staff sign-in needs all three settings (shared/config/settings.ts); without an audience, none is set.
var staffSignIn = !empty(authAudience)

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
  params: { name: 'st${token}', location: location, tags: tags, sku: storageSku, logAnalyticsId: monitoring.outputs.logAnalyticsId }
}

module messaging 'modules/servicebus.bicep' = {
  name: 'servicebus'
  scope: rg
  params: { name: 'sb-${token}', location: location, tags: tags, logAnalyticsId: monitoring.outputs.logAnalyticsId }
}

module communication 'modules/communication.bicep' = {
  name: 'communication'
  scope: rg
  params: {
    token: token
    tags: tags
    dataLocation: acsDataLocation
    customDomain: emailCustomDomain
    customDomainVerified: emailCustomDomainVerified == 'true'
    logAnalyticsId: monitoring.outputs.logAnalyticsId
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  scope: rg
  params: {
    appPrincipalId: identity.outputs.principalId
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
    storageAccountName: storage.outputs.name
    serviceBusName: messaging.outputs.name
    topicName: messaging.outputs.topicName
    communicationName: communication.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  // The identity's roles must exist before the host starts and before azd uploads the package (else 403).
  dependsOn: [ roles ]
  params: {
    name: 'func-${token}'
    location: location
    tags: union(tags, { 'azd-service-name': 'api' })
    identityId: identity.outputs.id
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    logAnalyticsId: monitoring.outputs.logAnalyticsId
    appSettings: {
      // Functions host: storage and telemetry through the user-assigned identity, never a key.
      AzureWebJobsStorage__accountName: storage.outputs.name
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identity.outputs.clientId
      AZURE_CLIENT_ID: identity.outputs.clientId
      // DefaultAzureCredential uses only the managed identity in Azure, never developer credentials.
      AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential'
      APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.appInsightsConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identity.outputs.clientId}'
      // The app's settings (shared/config/settings.ts); PUBLIC_BASE_URL is added from the site's host name.
      TABLE_STORAGE_ENDPOINT: storage.outputs.tableEndpoint
      TABLE_NAME_PREFIX: ''
      CORS_ALLOWED_ORIGINS: corsAllowedOrigins
      MAX_BODY_BYTES: string(maxBodyBytes)
      // The host stops reading a body at the same limit (it would read up to 100 MB before the app sees it).
      FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: string(maxBodyBytes)
      RATE_LIMIT_PER_SECOND: '50'
      RATE_LIMIT_BURST: '100'
      LOG_LEVEL: 'info'
      AUTH_ISSUER: staffSignIn ? authIssuer : ''
      AUTH_AUDIENCE: authAudience
      AUTH_JWKS_URL: staffSignIn ? authJwksUrl : ''
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
      // Deadlines, outbox concurrency, health cache and message caps (docs/security.md).
      OUTBOUND_TIMEOUT_MS: '10000'
      EMAIL_SEND_TIMEOUT_MS: '120000'
      OUTBOX_SWEEP_CONCURRENCY: '8'
      HEALTH_CACHE_SECONDS: '5'
      PHONE_CODES_PER_NUMBER_PER_DAY: '5'
      PHONE_CODES_PER_CLIENT_PER_HOUR: '10'
      LOOKUPS_PER_ADDRESS_PER_HOUR: '3'
      LOOKUPS_PER_CLIENT_PER_HOUR: '10'
      EMAIL_PER_RECIPIENT_PER_DAY: '20'
      SMS_PER_RECIPIENT_PER_DAY: '10'
      SMS_PER_BUSINESS_PER_HOUR: '200'
      // docs/privacy.md: ended appointments are purged this many days after their end.
      APPOINTMENT_RETENTION_DAYS: '365'
      // Events go to the topic with the managed identity (Azure Service Bus Data Sender on the topic).
      SERVICEBUS_FULLY_QUALIFIED_NAMESPACE: messaging.outputs.fullyQualifiedNamespace
      SERVICEBUS_TOPIC: messaging.outputs.topicName
      // Microsoft Graph of this cloud (Teams meetings, providers' Outlook calendars), with the managed identity;
      // its Calendars.ReadWrite permission is granted by the tenant's admin (README: Microsoft 365).
      GRAPH_BASE_URL: '${environment().graph}v1.0'
    }
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    token: token
    location: location
    tags: tags
    alertEmail: alertEmail
    appInsightsId: monitoring.outputs.appInsightsId
    serviceBusId: messaging.outputs.id
  }
}

output AZURE_RESOURCE_GROUP string = rg.name
output API_BASE_URL string = functionApp.outputs.apiBaseUrl
output TABLE_STORAGE_ENDPOINT string = storage.outputs.tableEndpoint
output ACS_ENDPOINT string = communication.outputs.endpoint
output SERVICEBUS_FULLY_QUALIFIED_NAMESPACE string = messaging.outputs.fullyQualifiedNamespace
