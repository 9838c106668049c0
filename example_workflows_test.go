package alloy_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	alloy "github.com/alloysdk/alloy-go"
	"github.com/alloysdk/alloy-go/alloytest"
)

// newTenant starts a fake Alloy with one user who installed the default
// "Paid order to ERP" workflow.
func newTenant() (*alloytest.Server, *alloy.Client, string, string) {
	srv := alloytest.NewServer()
	c := srv.Client()
	user, err := c.Users.Create(context.Background(), alloy.UserCreateParams{Username: "ops@northwind.example"})
	if err != nil {
		log.Fatal(err)
	}
	workflowID := alloytest.DefaultIntegrations()[0].Workflows[0].ID
	if err := srv.InstallWorkflow(user.ID, workflowID); err != nil {
		log.Fatal(err)
	}
	return srv, c, user.ID, workflowID
}

func ExampleWorkflowsService_Run() {
	srv, c, userID, workflowID := newTenant()
	defer srv.Close()
	ctx := context.Background()

	run, err := c.Workflows.Run(ctx, alloy.WorkflowRunParams{
		UserID:     userID,
		WorkflowID: workflowID,
		Data:       map[string]any{"orderId": 91027, "status": "paid"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(run.Message)

	// A switched-off workflow does not run.
	if err := c.Workflows.Deactivate(ctx, alloy.WorkflowDeactivateParams{UserID: userID, WorkflowID: workflowID}); err != nil {
		log.Fatal(err)
	}
	_, err = c.Workflows.Run(ctx, alloy.WorkflowRunParams{UserID: userID, WorkflowID: workflowID})
	fmt.Println(errors.Is(err, alloy.ErrBadRequest))
	// Output:
	// success
	// true
}

func ExampleLogsService_ListExecutionsIter() {
	srv, c, userID, workflowID := newTenant()
	defer srv.Close()
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := c.Workflows.Run(ctx, alloy.WorkflowRunParams{UserID: userID, WorkflowID: workflowID}); err != nil {
			log.Fatal(err)
		}
	}

	// Two executions a page: the iterator asks for pages until a short one.
	n := 0
	for exec, err := range c.Logs.ListExecutionsIter(ctx, workflowID, alloy.WorkflowLogParams{UserID: userID, Limit: 2}) {
		if err != nil {
			log.Fatal(err)
		}
		n++
		fmt.Println(len(exec.ID), exec.Finished)
	}
	fmt.Println(n, "executions")
	// Output:
	// 21 true
	// 21 true
	// 21 true
	// 3 executions
}

func ExampleLogsService_ListIter() {
	srv, c, userID, workflowID := newTenant()
	defer srv.Close()
	ctx := context.Background()
	srv.FailNextRun(workflowID, "NetSuite refused the order")
	for i := 0; i < 2; i++ {
		if _, err := c.Workflows.Run(ctx, alloy.WorkflowRunParams{UserID: userID, WorkflowID: workflowID}); err != nil {
			log.Fatal(err)
		}
	}

	failed := alloy.LogListParams{Filters: []alloy.LogFilter{{Column: "message", Operator: "equals", Value: "executionError"}}}
	for entry, err := range c.Logs.ListIter(ctx, failed) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(entry.Message, entry.ParentWorkflow.Name, entry.UserID == userID)
	}
	// Output: executionError Paid order to ERP true
}

func ExampleInstallationForm_Answers() {
	srv := alloytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	user, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "ops@northwind.example"})
	if err != nil {
		log.Fatal(err)
	}
	// The BigCommerce-to-NetSuite integration needs both credentials first.
	for app, data := range map[string]map[string]any{
		"bigcommerce": {"storeHash": "abc123", "accessToken": "tok"},
		"netsuite":    {"accountId": "TSTDRV1", "consumerKey": "ck", "consumerSecret": "cs", "tokenId": "ti", "tokenSecret": "ts"},
	} {
		if _, err := c.Credentials.Create(ctx, user.ID, alloy.CredentialCreateParams{Type: app, Data: data}); err != nil {
			log.Fatal(err)
		}
	}

	form, err := c.Installations.Start(ctx, alloy.InstallationStartParams{UserID: user.ID, IntegrationID: alloytest.DefaultIntegrations()[0].ID})
	if err != nil {
		log.Fatal(err)
	}
	for _, step := range form.Steps {
		for _, f := range step.Fields {
			fmt.Printf("%s (%s) required=%v\n", f.Name, f.DisplayName, f.Required)
		}
	}
	_, err = form.Answers(map[string]any{"syncMode": "merge"})
	fmt.Println(err)

	answers, err := form.Answers(map[string]any{"subsidiary": "1", "syncMode": "upsert"})
	if err != nil {
		log.Fatal(err)
	}
	if err := c.Installations.Complete(ctx, answers); err != nil {
		log.Fatal(err)
	}
	installed, err := c.Installations.List(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(installed), installed[0].UserID == user.ID, installed[0].Enabled)
	// Output:
	// subsidiary (Subsidiary) required=true
	// syncMode (Sync mode) required=false
	// alloy: answer installation form: invalid argument: subsidiary is required
	// 1 true true
}

func ExampleConnectorsService_Execute() {
	srv := alloytest.NewServer()
	defer srv.Close()
	c := srv.Client() // the Connectivity API needs 2025-09, the default
	ctx := context.Background()
	user, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "ops@northwind.example"})
	if err != nil {
		log.Fatal(err)
	}

	action, err := c.Connectors.GetAction(ctx, "slack", "chat_postMessage")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(action.HTTPMethod, action.Path)

	// OAuth credentials start with a link the user visits.
	cred, err := c.Connectors.CreateCredential(ctx, "slack", alloy.ConnectorCredentialCreateParams{
		UserID: user.ID, AuthenticationType: "oauth2", RedirectURI: "https://app.example.com/oauth/done",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cred.OAuthURL != "", cred.CredentialID == "")
	// Output:
	// POST /chat.postMessage
	// true true
}

func ExamplePassthroughService_Do() {
	srv := alloytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	user, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "ops@northwind.example"})
	if err != nil {
		log.Fatal(err)
	}
	cred, err := c.Credentials.Create(ctx, user.ID, alloy.CredentialCreateParams{Type: "bigcommerce", Data: map[string]any{"storeHash": "abc123", "accessToken": "tok"}})
	if err != nil {
		log.Fatal(err)
	}

	resp, err := c.Passthrough.Do(ctx, cred.ID, alloy.PassthroughRequest{
		Method: "GET", Path: "/v3/catalog/products", Query: map[string]string{"limit": "5"},
	}, alloy.WithIdempotent()) // a read: safe to retry
	if err != nil {
		log.Fatal(err)
	}
	var echo struct {
		Method, Path string
		Query        map[string]string
	}
	if err := resp.Decode(&echo); err != nil { // the fake echoes the request
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode, echo.Method, echo.Path, echo.Query["limit"])
	// Output: 200 GET /v3/catalog/products 5
}

func ExampleTokenCache() {
	srv := alloytest.NewServer()
	defer srv.Close()
	c := srv.Client()
	ctx := context.Background()
	user, err := c.Users.Create(ctx, alloy.UserCreateParams{Username: "ops@northwind.example"})
	if err != nil {
		log.Fatal(err)
	}

	cache, err := alloy.NewTokenCache(c)
	if err != nil {
		log.Fatal(err)
	}
	first, err := cache.Token(ctx, user.ID) // mints
	if err != nil {
		log.Fatal(err)
	}
	second, err := cache.Token(ctx, user.ID) // reuses: plenty of life left
	if err != nil {
		log.Fatal(err)
	}
	cache.Invalidate(user.ID)
	third, err := cache.Token(ctx, user.ID) // mints again
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(first.Token == second.Token, first.Token == third.Token)
	// Output: true false
}
