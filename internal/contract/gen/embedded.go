package main

// embeddedOp maps one operation of src/embedded.json (Alloy's Embedded and
// Connectivity pages, compiled with sources) to the SDK's public name, its
// version range, and any fix-up the pages need.
type embeddedOp struct {
	key    string // src/embedded.json "key"
	id     string // operationId: the Go name, or Go name + "@" + since for a route that moved
	goName string // the public Go method ("Users.Get"); "" when the SDK has none yet
	path   string // overrides the page's path
	since  string // first version with this route; "" for every supported version
	until  string // first version without it; "" for none
	goRoot string // JSON pointer, into the 2xx body, of the value the Go method returns
	fix    func(o *op)
}

// embeddedOps lists every Embedded and Connectivity operation the contract
// holds, in the order of Alloy's reference.
var embeddedOps = []embeddedOp{
	// Users
	{key: "createUser", id: "Users.Create"},
	{key: "createBatchUsers", id: "Users.CreateBatch", fix: fixBatch},
	{key: "listUsers", id: "Users.List", goRoot: "/data"},
	{key: "getUser", id: "Users.Get"},
	{key: "updateUser", id: "Users.Update"},
	{key: "deleteUser", id: "Users.Delete"},
	{key: "listUsersByWorkflow", id: "Users.ListByWorkflow", goRoot: "/data"},
	{key: "deleteUserLogs", id: "Users.DeleteLogs", fix: fixDeleteUserLogs},
	{key: "getUserToken", id: "Tokens.Create", fix: fixToken},

	// Credentials
	{key: "listUserCredentials", id: "Credentials.List", since: "2025-09", goRoot: "/data"},
	{key: "listUserCredentials", id: "Credentials.List@2023-12", goName: "Credentials.List", path: "/users/{userId}/credentials", until: "2025-09", goRoot: "/data", fix: fixOldCredentialList},
	{key: "createCredential", id: "Credentials.Create", since: "2024-03", fix: fixCreateCredential},
	{key: "createCredential", id: "Credentials.Create@2023-12", goName: "Credentials.Create", path: "/users/{userId}/credentials", until: "2024-03", fix: fixOldCredentialCreate},
	{key: "deleteCredential", id: "Credentials.Delete"},
	{key: "getCredentialMetadata", id: "Credentials.ListMetadata", since: "2024-03", goRoot: "/data"},
	{key: "getCredentialMetadataByApp", id: "Credentials.GetMetadata", since: "2024-03", goRoot: "/data"},
	{key: "createOAuthLink", id: "Credentials.GetOAuthURL", since: "2024-03", goRoot: "/oauthUrl", fix: fixOAuth},
	{key: "listApps", id: "Apps.List", since: "2024-03", goRoot: "/data"},
	{key: "listApps", id: "Apps.List@2023-12", goName: "Apps.List", path: "/apps", until: "2024-03", goRoot: "/data", fix: fixOldApps},

	// Integrations and installations
	{key: "listIntegrations", id: "Integrations.List", goRoot: "/data"},
	{key: "getIntegration", id: "Integrations.Get", goRoot: "/data"},
	{key: "generateInstallUrl", id: "Integrations.GetInstallLink", goRoot: "/url", fix: fixInstallLink},
	{key: "startInstallation", id: "Installations.Start", since: "2024-03"},
	{key: "completeInstallation", id: "Installations.Complete", since: "2024-03", fix: fixComplete},
	{key: "editInstallation", id: "Installations.Edit", since: "2025-09", goRoot: "/data", fix: fixEditInstallation},
	{key: "listInstallations", id: "Installations.List", since: "2025-09", goRoot: "/data"},
	{key: "getInstallation", id: "Installations.Get", since: "2025-09", goRoot: "/data", fix: fixGetInstallation},

	// Workflows, events, logs
	{key: "listWorkflows", id: "Workflows.List", goRoot: "/data", fix: fixListWorkflows},
	{key: "getWorkflow", id: "Workflows.Get", goRoot: "/data", fix: fixGetWorkflow},
	{key: "listWorkflowVersions", id: "Workflows.ListVersions", since: "2023-12", goRoot: "/data", fix: fixVersions},
	{key: "activateWorkflow", id: "Workflows.Activate"},
	{key: "deactivateWorkflow", id: "Workflows.Deactivate", fix: fixDeactivate},
	{key: "deactivateAllWorkflows", id: "Workflows.DeactivateAll"},
	{key: "upgradeWorkflow", id: "Workflows.Upgrade", since: "2023-12", fix: fixUpgrade},
	{key: "deleteWorkflow", id: "Workflows.Delete"},
	{key: "runWorkflow", id: "Workflows.Run", fix: fixRun},
	{key: "getWorkflowAnalytics", id: "Workflows.GetAnalytics"},
	{key: "listEvents", id: "Events.List", since: "2023-12", goRoot: "/data"},
	{key: "runEvent", id: "Events.Run"},
	{key: "getWorkflowLogs", id: "Logs.ListExecutions", goRoot: "/data"},
	{key: "getWorkflowErrors", id: "Logs.ListErrors", since: "2023-12", goRoot: "/data", fix: fixErrors},
	{key: "rerunExecution", id: "Logs.Rerun", since: "2023-12", fix: fixRerun},
	{key: "listAllLogs", id: "Logs.List", since: "2025-09"},
	{key: "getLogByExecutionId", id: "Logs.Get", since: "2025-09", goRoot: "/data", fix: fixGetLog},

	// Analytics and passthrough
	{key: "getUsage", id: "Analytics.GetUsage", since: "2025-09", goRoot: "/data"},
	{key: "getDetailUsageTime", id: "Analytics.GetUsageByTime", since: "2025-09", goRoot: "/data"},
	{key: "getDetailUsageUser", id: "Analytics.GetUsageByUser", since: "2025-09", goRoot: "/data", fix: fixUsageByUser},
	{key: "passthroughRequest", id: "Passthrough.Do", since: "2024-03", fix: fixPassthrough},

	// The Connectivity API
	{key: "listConnectors", id: "Connectors.List", since: "2025-09", fix: fixConnectors},
	{key: "getConnector", id: "Connectors.Get", since: "2025-09", fix: fixGetConnector},
	{key: "listConnectorResources", id: "Connectors.ListResources", since: "2025-09", fix: fixResources},
	{key: "getConnectorActionDetails", id: "Connectors.GetAction", since: "2025-09", goRoot: "/action"},
	{key: "executeConnectorAction", id: "Connectors.Execute", since: "2025-09"},
	{key: "listConnectorCredentials", id: "Connectors.ListCredentials", since: "2025-09", goRoot: "/credentials"},
	{key: "createConnectorCredential", id: "Connectors.CreateCredential", since: "2025-09", fix: fixCreateConnectorCredential},
	{key: "getConnectorCredentialMetadata", id: "Connectors.ListCredentialMetadata", since: "2025-09", goRoot: "/metadata"},
	{key: "listUserFiles", id: "Files.List", since: "2025-09", goRoot: "/files"},
	{key: "requestFileUpload", id: "Files.RequestUpload", since: "2025-09", goRoot: "/presignedUrl", fix: fixRequestUpload},
	{key: "deleteUserFile", id: "Files.Delete", since: "2025-09"},
}

// The fixes below are facts the pages leave out or contradict; each says
// where it comes from.

func fixBatch(o *op) {
	o.source("page", "https://alloy-docs.netlify.app/reference/embedded/batch-create-users",
		`partial success is 200 {"message":"success","invalidUsers":[...]}; 400 {"message":"No valid users provided"} only when no user is valid`)
}

func fixDeleteUserLogs(o *op) {
	o.source("page", "https://docs.runalloy.com/reference/embedded/delete-logs-for-a-user.md",
		"the page declares userId only as a required query parameter ('This endpoint requires a userId'), although its path template holds {userId}: decided, userId is required in both, with the same value; the SDK sends both on every version")
}

func fixToken(o *op) {
	o.source("page", "https://docs.runalloy.com/reference/embedded/generate-jwt-token.md",
		"2025-09 lists userId as a required query parameter as well as in the path; the SDK sends both on 2025-09 and the path only before")
	o.relaxQuery("userId")
}

func fixOldCredentialList(o *op) {
	o.documented = map[string]string{}
	o.assumed = []string{"2023-12", "2024-03"}
	o.source("sdk", "alloy-python/alloy_python/embedded/credentials.py", "the path-versioned route of the credential list (moved to /credentials/users/{userId} in 2025-09)")
}

func fixCreateCredential(o *op) {
	o.extra = S{"x-alloy-go-consumed": []any{"success"}}
}

func fixOldCredentialCreate(o *op) {
	fixCreateCredential(o)
	o.documented = map[string]string{}
	o.assumed = []string{"2023-12"}
	o.source("sdk", "alloy-python/alloy_python/embedded/credentials.py (older revision)",
		"2023-12 created credentials under the user, with the body the headless route takes ({userId, credential:{type, data}}; inference: no 2023-12 page shows it)")
}

func fixOAuth(o *op) {
	o.source("page", "https://docs.runalloy.com/reference/embedded/create-oauth-link.md",
		"the app's other credential properties (e.g. shopSubdomain) are sent as further query parameters named after them")
}

func fixOldApps(o *op) {
	o.documented = map[string]string{}
	o.assumed = []string{"2023-12"}
	o.source("sdk", "alloy-node/embedded/app.mjs", "GET /apps before the route moved to /metadata/apps in 2024-03")
}

func fixInstallLink(o *op) {
	o.source("sdk", "alloy-node/embedded/user.mjs", "no reference page shows this route; Alloy's SDKs call it")
	o.source("inference", "", "2025-09 is assumed: no page shows it on any version")
	o.assumed = []string{"2023-12", "2024-03", "2025-09"}
	o.responses["200"] = obj(req("url", with(str(), "format", "uri")))
}

func fixListWorkflows(o *op) {
	o.source("sdk", "alloy-node/embedded/workflow.mjs", "no reference page; per-user list of the user's workflows")
	o.assumed = []string{"2023-12", "2024-03", "2025-09"}
	o.params = append(o.params, queryParam("userId", true, "the user whose workflows to list"))
	o.responses["200"] = obj(p("data", arr(workflowSchema())))
}

func fixVersions(o *op) {
	o.source("sdk", "alloy-node/embedded/workflow.mjs", "documented for 2023-12 and 2024-03 only; 2025-09 is assumed")
	o.assumed = []string{"2023-12", "2024-03", "2025-09"}
	o.params = append(o.params, queryParam("userId", false, "the user whose installed version to show"))
	o.responses["200"] = obj(p("data", arr(obj(
		p("versionId", str()), p("versionName", str()), p("lastModified", str()), p("status", str()),
	))))
}

func fixDeactivate(o *op) {
	o.source("inference", "", "the page's response is cut off; the SDK reads {deactivated} as Activate's page shows {activated}")
	o.responses["200"] = obj(p("deactivated", boolean()))
}

func fixUpgrade(o *op) {
	o.source("inference", "", "the page's response is cut off; the SDK reads {message} as other PUTs answer")
	o.responses["200"] = obj(p("message", str()))
}

func fixRun(o *op) {
	o.source("page", "https://docs.runalloy.com/reference/embedded/run-workflow.md",
		"the schema requires workflowId and workflowName, but workflowId's text says 'If you pass this parameter, then workflowName is not required', and activate and deactivate take either one: decided, a run names its workflow by workflowId or workflowName, at least one (both are allowed, as the schema wants them; workflowId is the one that counts, as its text says)")
	o.unrequire("workflowId", "workflowName")
	delete(o.body, "x-alloy-contested-required")
	o.body["anyOf"] = []any{S{"required": []any{"workflowId"}}, S{"required": []any{"workflowName"}}}
}

func fixErrors(o *op) {
	o.source("sdk", "endpoints.json getWorkflowErrors (alloy-node)", "the page is cut off before the response; its prose names the message, a timestamp, the block and the workflowId of each error")
	if o.params == nil || !o.hasParam("userId", "query") {
		o.params = append(o.params, queryParam("userId", false, "the user whose errors to list"))
	}
	o.responses["200"] = obj(p("data", arr(obj(
		p("message", str()), p("timestamp", str()), p("block", str()), p("workflowId", str()),
	))))
}

func fixRerun(o *op) {
	o.source("sdk", "endpoints.json rerunExecution (alloy-node)", "the page is cut off before the response")
	o.params = append(o.params, queryParam("userId", false, "the user the execution belongs to"))
	o.responses["200"] = obj(p("message", str()), p("executionUuid", str()))
}

func fixUsageByUser(o *op) {
	o.source("page", "https://docs.runalloy.com/reference/embedded/get-detail-usage-user",
		"the page lists userId under its query parameters (the details are cut) and its curl sends it; a usage by user needs the user, so the contract requires it (inference)")
	for _, prm := range o.params {
		if prm["name"] == "userId" && prm["in"] == "query" {
			prm["required"] = true
		}
	}
}

func fixPassthrough(o *op) {
	if q, ok := o.body["properties"].(S)["query"].(S); ok {
		q["nullable"] = true
		q["x-alloy-nullable"] = "the guide says body and extraHeaders may be null; the SDK sends null for no query too (inference)"
	}
	o.source("page", "https://docs.runalloy.com/embedded/passthrough-api",
		"body and extraHeaders are stringified JSON or null; 2025-09 is assumed (no page shows it)")
	o.assumed = append(o.assumed, "2025-09")
	o.responses["200"] = obj(p("headers", freeObject("the provider's response headers")), p("statusCode", integer()),
		p("data", with(anyValue(), "x-alloy-open", "the provider's answer, passed through")))
}

func fixConnectors(o *op) {
	o.source("inference", "", "the guide shows no response; its quick start says each connector carries an id (the connectorId of later calls), a name and a logo to render")
	o.responses["200"] = obj(p("connectors", arr(obj(p("id", str()), p("name", str()), p("icon", str())))))
	o.goRoot = "/connectors"
}

func fixResources(o *op) {
	o.source("inference", "", "no page; a resource groups actions, each with the id GetAction and Execute take")
	o.assumed = []string{"2025-09"}
	o.responses["200"] = obj(p("resources", arr(obj(p("name", str()),
		p("actions", arr(obj(p("id", str()), p("displayName", str()), p("description", str()))))))))
	o.goRoot = "/resources"
}

func fixGetConnector(o *op) {
	o.source("page", "https://docs.runalloy.com/connectivity-api/authentication",
		"only named ('Getting connector metadata (GET /connectors/{connectorId})'); no shape is shown")
	o.source("inference", "",
		"the Connectivity API answers one object under a key named after it (GET /connectors/{connectorId}/actions/{actionId} answers {action}), so the connector is read under connector; its properties are the list item's (id, name, icon: see Connectors.List), and the object stays open for what no page shows")
	o.responses["200"] = obj(p("connector", with(obj(p("id", str()), p("name", str()), p("icon", str())),
		"x-alloy-open", "no page shows this response beyond its name")))
	o.goRoot = "/connector"
}

func fixCreateConnectorCredential(o *op) {
	o.source("page", "https://docs.runalloy.com/reference/connectivity-api/create-connector-credential.md",
		"the 200 is one of two options: {oauthUrl} for OAuth connectors, and an 'Option 2' whose fields no excerpt shows; the SDK reads {credentialId} there (inference)")
	o.responses["200"] = S{"anyOf": []any{
		obj(req("oauthUrl", with(str(), "format", "uri"))),
		obj(p("credentialId", str()), p("success", boolean())),
	}}
}

func fixRequestUpload(o *op) {
	o.source("page", "https://docs.runalloy.com/connectivity-api/files",
		"the client then PUTs the bytes to presignedUrl with Content-Type and Content-MD5 (the base64 md5 of this answer) and no API key; the URL expires after 1 hour; type tells a new file from one Alloy already holds (deduplication by MD5). Files.Upload is that composite")
}

func fixComplete(o *op) {
	o.source("page", "https://docs.runalloy.com/reference/embedded/complete-installation.md",
		"fields[].value is typed string; the SDK sends a number or boolean field's answer as a JSON number or boolean, so the contract accepts those too (contested: tightened in the next issue)")
	fields := o.body["properties"].(S)["data"].(S)["items"].(S)["properties"].(S)["fields"].(S)["items"].(S)["properties"].(S)
	fields["value"] = S{"anyOf": []any{str(), num(), boolean()}, "x-alloy-contested": true}
}

func fixEditInstallation(o *op) {
	o.source("page", "https://docs.runalloy.com/reference/embedded/edit-installation",
		"the example is the whole record: installedData and installedAt, no enabled (which only the list's items carry); installedData's items are untyped ('<any>')")
}

// installationStep is an installation's form step as the list page shows
// it (get-all-installations).
func installationStep() S {
	return obj(p("workflowId", str()), p("app", str()), p("blockId", with(str(), "format", "uuid")),
		p("fields", arr(obj(p("name", str()), p("displayName", str()), p("type", str()), p("required", boolean())))))
}

func fixGetInstallation(o *op) {
	o.source("inference", "https://docs.runalloy.com/reference/embedded/get-all-installations",
		"the get page's schema is cut after credentialIds (get-installation.md); the properties it shows are the list item's, in the list's order and with the list's example ids, so the record is taken as the list page's item: formData steps, credentialIds as a map of credential type to id, workflowIds, installedAt and enabled")
	data := o.responses["200"]["properties"].(S)["data"].(S)
	props := data["properties"].(S)
	props["formData"] = arr(installationStep())
	props["credentialIds"] = S{"type": "object", "additionalProperties": str()}
	props["workflowIds"] = arr(str())
	props["installedAt"] = with(str(), "format", "date-time")
	props["enabled"] = boolean()
}

// workflowSchema is a user's workflow as Alloy's Node SDK tests read it:
// connectors on 2025-09, blocks before (endpoints.json getWorkflow).
func workflowSchema() S {
	return obj(
		p("workflowId", str()), p("integrationId", str()), p("name", str()), p("createdAt", str()), p("updatedAt", str()),
		p("installed", boolean()), p("active", boolean()), p("version", integer()), p("installedVersion", integer()),
		p("connectors", with(arr(obj(p("connectorName", str()), p("connectorId", str()), p("connector", str()), p("icon", str()))), "x-alloy-since", "2025-09")),
		p("blocks", with(arr(obj(p("name", str()), p("id", str()), p("type", str()), p("icon", str()))), "x-alloy-until", "2025-09")),
	)
}

func fixGetWorkflow(o *op) {
	o.source("sdk", "alloy-node test/embedded/workflow.test.mjs (endpoints.json getWorkflow)",
		"the 2025-09 page shows connectors; before 2025-09 a workflow carries blocks, as 2024-03's integration pages show; installedVersion when installed")
	o.responses["200"] = merge(o.responses["200"], obj(p("data", workflowSchema())))
	data := o.responses["200"]["properties"].(S)["data"].(S)["properties"].(S)
	data["connectors"] = with(data["connectors"].(S), "x-alloy-since", "2025-09")
}

func fixGetLog(o *op) {
	o.source("page", "https://docs.runalloy.com/reference/embedded/get-log-by-execution-id.md",
		"the schema is cut off after executionUuid; further properties exist, so the record stays open")
	data := o.responses["200"]["properties"].(S)["data"].(S)
	data["x-alloy-open"] = "the page is cut off after executionUuid"
}

// init names the Embedded and Connectivity calls that are not one
// operation, beside main.go's composites.
func init() {
	composites["Files.Upload"] = S{"of": []any{"Files.RequestUpload"},
		"note": "then PUTs the bytes to the presigned URL, which is no route of Alloy's API (https://docs.runalloy.com/connectivity-api/files)"}
}
