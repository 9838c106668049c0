package alloy_test

import (
	"context"
	"errors"
	"fmt"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/unified"
)

// examples call each operation of the contract that is not a Unified model
// operation, by its Go name: the one example value of the
// add-an-endpoint checklist (CONTRIBUTING.md).
var examples = map[string]example{
	"Users.Create": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Users.Create(ctx, alloy.UserCreateParams{Username: "new@example.com", FullName: "New Goods"})
		return err
	},
	"Users.CreateBatch": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Users.CreateBatch(ctx, []alloy.UserCreateParams{{Username: "b1@example.com", FullName: "B1"}, {Username: "b2@example.com"}})
		return err
	},
	"Users.List": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Users.List(ctx, nil)
		return err
	},
	"Users.Get": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Users.Get(ctx, e.user.ID)
		return err
	},
	"Users.Update": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Users.Update(ctx, e.user.ID, alloy.UserUpdateParams{FullName: alloy.Ptr("Walk Goods Ltd")})
		return err
	},
	"Users.Delete": func(ctx context.Context, e *walkEnv) error {
		u, err := e.c.Users.Create(ctx, alloy.UserCreateParams{Username: "gone@example.com"})
		if err != nil {
			return err
		}
		return e.c.Users.Delete(ctx, u.ID)
	},
	"Users.ListByWorkflow": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Users.ListByWorkflow(ctx, walkWorkflow)
		return err
	},
	"Users.DeleteLogs": func(ctx context.Context, e *walkEnv) error { return e.c.Users.DeleteLogs(ctx, e.user.ID) },
	"Tokens.Create": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Tokens.Create(ctx, e.user.ID)
		return err
	},

	"Credentials.List": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Credentials.List(ctx, e.user.ID)
		return err
	},
	"Credentials.Create": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Credentials.Create(ctx, e.user.ID, netsuiteCredential())
		return err
	},
	"Credentials.Delete": func(ctx context.Context, e *walkEnv) error {
		cred, err := e.c.Credentials.Create(ctx, e.user.ID, netsuiteCredential())
		if err != nil {
			return err
		}
		return e.c.Credentials.Delete(ctx, e.user.ID, cred.ID)
	},
	"Credentials.ListMetadata": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Credentials.ListMetadata(ctx)
		return err
	},
	"Credentials.GetMetadata": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Credentials.GetMetadata(ctx, "netsuite")
		return err
	},
	"Credentials.GetOAuthURL": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Credentials.GetOAuthURL(ctx, alloy.OAuthURLParams{UserID: e.user.ID, App: "shopify", Fields: map[string]string{"shopSubdomain": "walk-goods"}})
		return err
	},
	"Apps.List": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Apps.List(ctx)
		return err
	},

	"Integrations.List": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Integrations.List(ctx, e.user.ID)
		return err
	},
	"Integrations.Get": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Integrations.Get(ctx, e.user.ID, walkIntegration)
		return err
	},
	"Integrations.GetInstallLink": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Integrations.GetInstallLink(ctx, e.user.ID, walkIntegration)
		return err
	},
	"Installations.Start": func(ctx context.Context, e *walkEnv) error {
		u, err := freshUser(ctx, e)
		if err != nil {
			return err
		}
		_, err = e.c.Installations.Start(ctx, alloy.InstallationStartParams{UserID: u.ID, IntegrationID: walkIntegration})
		return err
	},
	"Installations.Complete": func(ctx context.Context, e *walkEnv) error {
		_, _, err := install(ctx, e)
		return err
	},
	"Installations.Edit": func(ctx context.Context, e *walkEnv) error {
		id, u, err := install(ctx, e)
		if err != nil {
			return err
		}
		_, err = e.c.Installations.Edit(ctx, alloy.InstallationEditParams{UserID: u.ID, IntegrationID: walkIntegration, InstallationID: id})
		return err
	},
	"Installations.List": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Installations.List(ctx)
		return err
	},
	"Installations.Get": func(ctx context.Context, e *walkEnv) error {
		id, _, err := install(ctx, e)
		if err != nil {
			return err
		}
		_, err = e.c.Installations.Get(ctx, id)
		return err
	},

	"Workflows.List": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Workflows.List(ctx, e.user.ID)
		return err
	},
	"Workflows.Get": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Workflows.Get(ctx, e.user.ID, walkWorkflow)
		return err
	},
	"Workflows.ListVersions": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Workflows.ListVersions(ctx, walkWorkflow, e.user.ID)
		return err
	},
	"Workflows.Activate": func(ctx context.Context, e *walkEnv) error {
		return e.c.Workflows.Activate(ctx, alloy.WorkflowActivateParams{UserID: e.user.ID, WorkflowID: walkWorkflow})
	},
	"Workflows.Deactivate": func(ctx context.Context, e *walkEnv) error {
		return e.c.Workflows.Deactivate(ctx, alloy.WorkflowDeactivateParams{UserID: e.user.ID, WorkflowName: "Paid order to ERP"})
	},
	"Workflows.DeactivateAll": func(ctx context.Context, e *walkEnv) error {
		return e.c.Workflows.DeactivateAll(ctx, e.user.ID)
	},
	"Workflows.Upgrade": func(ctx context.Context, e *walkEnv) error {
		return e.c.Workflows.Upgrade(ctx, e.user.ID, walkWorkflow)
	},
	"Workflows.Delete": func(ctx context.Context, e *walkEnv) error {
		u, err := e.c.Users.Create(ctx, alloy.UserCreateParams{Username: "wf-gone@example.com"})
		if err != nil {
			return err
		}
		if err := e.srv.InstallWorkflow(u.ID, walkWorkflow); err != nil {
			return err
		}
		return e.c.Workflows.Delete(ctx, u.ID, walkWorkflow)
	},
	"Workflows.Run": func(ctx context.Context, e *walkEnv) error {
		_, _, err := run(ctx, e)
		return err
	},
	"Workflows.GetAnalytics": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Workflows.GetAnalytics(ctx, walkWorkflow)
		return err
	},
	"Events.List": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Events.List(ctx, nil)
		return err
	},
	"Events.Run": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Events.Run(ctx, alloy.EventRunParams{Event: "Invoice Paid", UserID: e.user.ID, Data: map[string]any{"invoiceId": "INV-1009"}})
		return err
	},

	"Logs.ListExecutions": func(ctx context.Context, e *walkEnv) error {
		_, u, err := run(ctx, e)
		if err != nil {
			return err
		}
		_, err = e.c.Logs.ListExecutions(ctx, walkWorkflow, alloy.WorkflowLogParams{UserID: u.ID})
		return err
	},
	"Logs.ListErrors": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Logs.ListErrors(ctx, walkWorkflow, e.user.ID)
		return err
	},
	"Logs.Rerun": func(ctx context.Context, e *walkEnv) error {
		id, u, err := run(ctx, e)
		if err != nil {
			return err
		}
		_, err = e.c.Logs.Rerun(ctx, walkWorkflow, id, u.ID)
		return err
	},
	"Logs.List": func(ctx context.Context, e *walkEnv) error {
		if _, _, err := run(ctx, e); err != nil {
			return err
		}
		_, err := e.c.Logs.List(ctx, alloy.LogListParams{Limit: 10, SortBy: "createdAt", SortOrder: "desc"})
		return err
	},
	"Logs.Get": func(ctx context.Context, e *walkEnv) error {
		id, _, err := run(ctx, e)
		if err != nil {
			return err
		}
		_, err = e.c.Logs.Get(ctx, id)
		return err
	},

	"Analytics.GetUsage": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Analytics.GetUsage(ctx)
		return err
	},
	"Analytics.GetUsageByTime": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Analytics.GetUsageByTime(ctx)
		return err
	},
	"Analytics.GetUsageByUser": func(ctx context.Context, e *walkEnv) error {
		_, u, err := run(ctx, e)
		if err != nil {
			return err
		}
		_, err = e.c.Analytics.GetUsageByUser(ctx, u.ID)
		return err
	},
	"Passthrough.Do": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Passthrough.Do(ctx, e.conns["Commerce"], alloy.PassthroughRequest{Method: "GET", Path: "/admin/api/2024-04/shop.json"})
		return err
	},

	"Connectors.List": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Connectors.List(ctx)
		return err
	},
	"Connectors.Get": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Connectors.Get(ctx, "slack")
		return err
	},
	"Connectors.ListResources": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Connectors.ListResources(ctx, "slack")
		return err
	},
	"Connectors.GetAction": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Connectors.GetAction(ctx, "slack", "chat_postMessage")
		return err
	},
	"Connectors.Execute": func(ctx context.Context, e *walkEnv) error {
		cred, err := e.c.Connectors.CreateCredential(ctx, "hubspot", alloy.ConnectorCredentialCreateParams{UserID: e.user.ID, AuthenticationType: "apiKey", Data: map[string]any{"apiKey": "pat-walk"}})
		if err != nil {
			return err
		}
		_, err = e.c.Connectors.Execute(ctx, "hubspot", "contacts_get", alloy.ConnectorExecuteParams{CredentialID: cred.CredentialID, PathParams: map[string]string{"contactId": "c1"}})
		return err
	},
	"Connectors.ListCredentials": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Connectors.ListCredentials(ctx, "slack", alloy.AsUser(e.user.ID))
		return err
	},
	"Connectors.CreateCredential": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Connectors.CreateCredential(ctx, "slack", alloy.ConnectorCredentialCreateParams{UserID: e.user.ID, AuthenticationType: "oauth2", RedirectURI: "https://app.example.com/oauth/done"})
		return err
	},
	"Connectors.ListCredentialMetadata": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Connectors.ListCredentialMetadata(ctx, "hubspot")
		return err
	},

	"Files.List": func(ctx context.Context, e *walkEnv) error {
		if _, err := uploadAside(ctx, e, "list.txt"); err != nil {
			return err
		}
		_, err := e.c.Files.List(ctx)
		return err
	},
	"Files.RequestUpload": func(ctx context.Context, e *walkEnv) error {
		_, err := e.c.Files.RequestUpload(ctx, alloy.FileUploadParams{Filename: "document.pdf", MimeType: "application/pdf", MD5: "2942bfabb3d05332b66eb128e0842cff"})
		return err
	},
	"Files.Delete": func(ctx context.Context, e *walkEnv) error {
		up, err := uploadAside(ctx, e, "gone.txt")
		if err != nil {
			return err
		}
		return e.c.Files.Delete(ctx, up.S3Key)
	},

	"unified.Users.Create": func(ctx context.Context, e *walkEnv) error {
		_, err := e.u.Users.Create(ctx, alloy.UserCreateParams{Username: "one@example.com"})
		return err
	},
	"unified.Users.List": func(ctx context.Context, e *walkEnv) error {
		_, err := e.u.Users.List(ctx)
		return err
	},
	"unified.Users.Get": func(ctx context.Context, e *walkEnv) error {
		_, err := e.u.Users.Get(ctx, e.user.ID)
		return err
	},
	"unified.Users.Update": func(ctx context.Context, e *walkEnv) error {
		_, err := e.u.Users.Update(ctx, e.user.ID, alloy.UserUpdateParams{FullName: alloy.Ptr("Walk")})
		return err
	},
	"unified.Users.Delete": func(ctx context.Context, e *walkEnv) error {
		u, err := e.u.Users.Create(ctx, alloy.UserCreateParams{Username: "one-gone@example.com"})
		if err != nil {
			return err
		}
		return e.u.Users.Delete(ctx, u.ID)
	},
	"unified.Connections.Delete": func(ctx context.Context, e *walkEnv) error {
		conn, err := e.srv.Connect(e.user.ID, "bigcommerce")
		if err != nil {
			return err
		}
		return e.u.Connections.Delete(ctx, conn, e.user.ID)
	},
	"unified.Passthrough.Do": func(ctx context.Context, e *walkEnv) error {
		_, err := e.u.Passthrough.Do(ctx, e.conns["Commerce"], alloy.PassthroughRequest{Method: "GET", Path: "/admin/api/2024-04/shop.json"})
		return err
	},
	"unified.Metadata.ListOperations": func(ctx context.Context, e *walkEnv) error {
		_, err := e.u.Metadata.ListOperations(ctx, "shopify")
		return err
	},
	"unified.Metadata.ListFields": func(ctx context.Context, e *walkEnv) error {
		_, err := e.u.Metadata.ListFields(ctx, "shopify", "listOrders")
		return err
	},
	"unified.Webhooks.Create": func(ctx context.Context, e *walkEnv) error {
		_, err := subscribe(ctx, e)
		return err
	},
	"unified.Webhooks.List": func(ctx context.Context, e *walkEnv) error {
		_, err := e.u.Webhooks.List(ctx, e.conns["Commerce"], "")
		return err
	},
	"unified.Webhooks.Get": func(ctx context.Context, e *walkEnv) error {
		sub, err := subscribe(ctx, e)
		if err != nil {
			return err
		}
		_, err = e.u.Webhooks.Get(ctx, e.conns["Commerce"], sub.ID)
		return err
	},
	"unified.Webhooks.Delete": func(ctx context.Context, e *walkEnv) error {
		sub, err := subscribe(ctx, e)
		if err != nil {
			return err
		}
		return e.u.Webhooks.Delete(ctx, e.conns["Commerce"], sub.ID)
	},
}

func netsuiteCredential() alloy.CredentialCreateParams {
	return alloy.CredentialCreateParams{Type: "netsuite", Data: map[string]any{
		"accountId": "TSTDRV1234567", "consumerKey": "ck", "consumerSecret": "cs", "tokenId": "ti", "tokenSecret": "ts"}}
}

// freshUser creates a user with the walk's workflow installed and active,
// and the credentials its integration installs with, so that an example
// does not depend on what earlier ones changed.
func freshUser(ctx context.Context, e *walkEnv) (*alloy.User, error) {
	u, err := e.c.Users.Create(ctx, alloy.UserCreateParams{Username: fmt.Sprintf("fresh-%d@example.com", len(e.srv.Users()))})
	if err != nil {
		return nil, err
	}
	if err := e.srv.InstallWorkflow(u.ID, walkWorkflow); err != nil {
		return nil, err
	}
	for _, app := range []string{"bigcommerce", "netsuite"} {
		if _, err := e.srv.Connect(u.ID, app); err != nil {
			return nil, err
		}
	}
	return u, e.c.Workflows.Activate(ctx, alloy.WorkflowActivateParams{UserID: u.ID, WorkflowID: walkWorkflow})
}

// install starts and completes an installation of the walk's integration
// for a fresh user, and returns its id and the user.
func install(ctx context.Context, e *walkEnv) (string, *alloy.User, error) {
	u, err := freshUser(ctx, e)
	if err != nil {
		return "", nil, err
	}
	form, err := e.c.Installations.Start(ctx, alloy.InstallationStartParams{UserID: u.ID, IntegrationID: walkIntegration})
	if err != nil {
		return "", nil, err
	}
	answers, err := form.Answers(map[string]any{"subsidiary": "1", "syncMode": "upsert"})
	if err != nil {
		return "", nil, err
	}
	if err := e.c.Installations.Complete(ctx, answers); err != nil {
		return "", nil, err
	}
	return form.InstallationID, u, nil
}

// run runs the walk's workflow for a fresh user and returns the id of its
// execution and the user.
func run(ctx context.Context, e *walkEnv) (string, *alloy.User, error) {
	u, err := freshUser(ctx, e)
	if err != nil {
		return "", nil, err
	}
	if _, err := e.c.Workflows.Run(ctx, alloy.WorkflowRunParams{UserID: u.ID, WorkflowID: walkWorkflow, Data: map[string]any{"orderId": 1}}); err != nil {
		return "", nil, err
	}
	execs := e.srv.Executions(walkWorkflow)
	if len(execs) == 0 {
		return "", nil, errors.New("the run left no execution")
	}
	return execs[len(execs)-1].ID, u, nil
}

// uploadAside uploads a file with a client the walk does not record: the
// upload's PUT goes to the presigned URL, which is no route of the
// contract.
func uploadAside(ctx context.Context, e *walkEnv, name string) (*alloy.PresignedUpload, error) {
	c := e.srv.Client(alloy.WithAPIVersion(e.v))
	return c.Files.Upload(ctx, alloy.FileUploadParams{Filename: name, MimeType: "text/plain"}, []byte("walk "+name))
}

func subscribe(ctx context.Context, e *walkEnv) (*unified.Subscription, error) {
	return e.u.Webhooks.Create(ctx, e.conns["Commerce"], unified.SubscriptionCreateParams{
		Address: "https://app.example.com/alloy/webhooks", Topics: []string{"commerce/orders"}})
}
