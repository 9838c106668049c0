package webhook

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseCredentialExpired(t *testing.T) {
	t.Parallel()
	type want struct{ user, email, cred, name string }
	tests := []struct {
		name string
		body string
		want want
	}{
		{"top level, documented names",
			`{"userId":"u_1","userEmail":"ops@acme.example","credentialId":"cred_9","credentialName":"Shopify - acme"}`,
			want{"u_1", "ops@acme.example", "cred_9", "Shopify - acme"}},
		{"top level, snake case",
			`{"user_id":"u_1","user_email":"ops@acme.example","credential_id":"cred_9","credential_name":"Shopify - acme"}`,
			want{"u_1", "ops@acme.example", "cred_9", "Shopify - acme"}},
		{"top level, other casing and email alias",
			`{"UserID":"u_1","Email":"ops@acme.example","CredentialID":"cred_9","CREDENTIAL-NAME":"Shopify - acme"}`,
			want{"u_1", "ops@acme.example", "cred_9", "Shopify - acme"}},
		{"data with credential object",
			`{"data":{"userId":"u_1","credential":{"credentialId":"cred_9","name":"Shopify - acme"}}}`,
			want{"u_1", "", "cred_9", "Shopify - acme"}},
		{"user and credential objects with id and name",
			`{"user":{"id":"u_1","email":"ops@acme.example"},"credential":{"id":"cred_9","name":"Shopify - acme"}}`,
			want{"u_1", "ops@acme.example", "cred_9", "Shopify - acme"}},
		{"data with user and credential objects, event name",
			`{"event":"credential.expired","data":{"user":{"userId":"u_1","userEmail":"ops@acme.example"},"credential":{"credential_id":"cred_9","credentialName":"Shopify - acme"}}}`,
			want{"u_1", "ops@acme.example", "cred_9", "Shopify - acme"}},
		{"credential object carries the user id",
			`{"credential":{"id":"cred_9","userId":"u_1","type":"shopify"}}`,
			want{"u_1", "", "cred_9", ""}},
		{"numeric ids",
			`{"userId":123,"credentialId":4.5e1}`,
			want{"123", "", "4.5e1", ""}},
		{"credential id only",
			`{"credentialId":"cred_9"}`,
			want{"", "", "cred_9", ""}},
		{"user id only, trimmed",
			"  \n{\"userId\":\"  u_1 \"}\n",
			want{"u_1", "", "", ""}},
		{"top level wins over data",
			`{"userId":"top","data":{"userId":"inner","credentialId":"cred_9","credentialName":"inner name"}}`,
			want{"top", "", "cred_9", "inner name"}},
		{"explicit credentialName wins over credential.name",
			`{"userId":"u_1","credentialName":"explicit","credential":{"id":"cred_9","name":"nested"}}`,
			want{"u_1", "", "cred_9", "explicit"}},
		{"non-string values are skipped",
			`{"userId":{"x":1},"user":{"id":"u_1"},"credentialId":null,"credential":{"id":["x"],"credentialId":"cred_9"}}`,
			want{"u_1", "", "cred_9", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := ParseCredentialExpired([]byte(tt.body))
			require.NoError(t, err)
			assert.Equal(t, tt.want, want{e.UserID, e.UserEmail, e.CredentialID, e.CredentialName})
			assert.JSONEq(t, tt.body, string(e.Raw))
			assert.True(t, json.Valid(e.Raw))
		})
	}
}

func TestParseCredentialExpiredRawIsACopy(t *testing.T) {
	t.Parallel()
	body := []byte(`{"userId":"u_1"}`)
	e, err := ParseCredentialExpired(body)
	require.NoError(t, err)
	body[2] = 'X'
	assert.Equal(t, `{"userId":"u_1"}`, string(e.Raw))
}

func TestParseCredentialExpiredErrors(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		``, `   `, `null`, `[]`, `[{"userId":"u_1"}]`, `"userId"`, `42`, `{`, `not json`, `{}`,
		`{"foo":1}`, `{"userId":""}`, `{"userId":"   "}`, `{"userId":true}`, `{"credential":"cred_9"}`,
		`{"data":"{\"userId\":\"u_1\"}"}`, `{"data":{"data":{"userId":"u_1"}}}`, `{"userEmail":"ops@acme.example","credentialName":"x"}`,
		`{"userId":"u_1"} trailing`,
	} {
		e, err := ParseCredentialExpired([]byte(body))
		assert.Nil(t, e, body)
		require.Error(t, err, body)
		assert.ErrorIs(t, err, ErrInvalidEvent, body)
		assert.Contains(t, err.Error(), "alloy: webhook: credential expired: ", body)
	}
}

func TestParseErrorStream(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	h.Set("X-Alloy-WorkflowId", "wf_1")
	h.Set("X-Alloy-UserId", "u_1")
	h.Set("X-Alloy-BlockName", "Create Order")
	h.Set("X-Alloy-BlockType", "shopify")
	h.Set("X-Alloy-ExecutionUuid", " 6f1c2a7e-0000-4000-8000-000000000001 ")
	h.Set("X-Alloy-Signature", "abc")
	body := []byte(`{"message":"401 Unauthorized","statusCode":401}`)

	e, err := ParseErrorStream(h, body)
	require.NoError(t, err)
	assert.Equal(t, "wf_1", e.WorkflowID)
	assert.Equal(t, "u_1", e.UserID)
	assert.Equal(t, "Create Order", e.BlockName)
	assert.Equal(t, "shopify", e.BlockType)
	assert.Equal(t, "6f1c2a7e-0000-4000-8000-000000000001", e.ExecutionUUID)
	assert.Equal(t, body, e.Body)
	assert.True(t, e.IsJSON())
	var log struct {
		Message    string `json:"message"`
		StatusCode int    `json:"statusCode"`
	}
	require.NoError(t, e.Decode(&log))
	assert.Equal(t, "401 Unauthorized", log.Message)
	assert.Equal(t, 401, log.StatusCode)
	assert.Equal(t, "abc", e.Header.Get("X-Alloy-Signature"))

	// The event holds copies.
	body[0] = 'X'
	h.Set("X-Alloy-WorkflowId", "changed")
	assert.Equal(t, byte('{'), e.Body[0])
	assert.Equal(t, "wf_1", e.Header.Get("X-Alloy-WorkflowId"))
}

func TestParseErrorStreamVariants(t *testing.T) {
	t.Parallel()
	t.Run("execution uuid only, text body", func(t *testing.T) {
		h := http.Header{"X-Alloy-Executionuuid": {"exec_1"}}
		e, err := ParseErrorStream(h, []byte("Error: socket hang up\n"))
		require.NoError(t, err)
		assert.Equal(t, "", e.WorkflowID)
		assert.Equal(t, "exec_1", e.ExecutionUUID)
		assert.Equal(t, "Error: socket hang up\n", string(e.Body))
		assert.False(t, e.IsJSON())
		var v any
		assert.ErrorIs(t, e.Decode(&v), ErrInvalidEvent)
	})
	t.Run("workflow id only, empty body", func(t *testing.T) {
		e, err := ParseErrorStream(http.Header{"X-Alloy-Workflowid": {"wf_1"}}, nil)
		require.NoError(t, err)
		assert.Equal(t, "wf_1", e.WorkflowID)
		assert.Empty(t, e.Body)
		assert.False(t, e.IsJSON())
		assert.NotNil(t, e.Header)
	})
	t.Run("errors", func(t *testing.T) {
		for _, h := range []http.Header{
			nil, {}, {"X-Alloy-Userid": {"u_1"}, "X-Alloy-Blockname": {"b"}}, {"X-Alloy-Workflowid": {"  "}},
		} {
			e, err := ParseErrorStream(h, []byte(`{"message":"x"}`))
			assert.Nil(t, e)
			assert.ErrorIs(t, err, ErrInvalidEvent)
			assert.EqualError(t, err, "alloy: webhook: error stream: no X-Alloy-WorkflowId or X-Alloy-ExecutionUuid header")
		}
	})
	t.Run("nil event", func(t *testing.T) {
		var e *ErrorStreamEvent
		assert.False(t, e.IsJSON())
		assert.ErrorIs(t, e.Decode(new(any)), ErrInvalidEvent)
	})
}

type testOrder struct {
	ID    string `json:"id"`
	Total string `json:"total"`
}

func TestParseUnified(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body         string
		topic, conn, model string
	}{
		{"topic, connectionId, data",
			`{"topic":"commerce/orders","connectionId":"conn_1","data":{"id":"o_1","total":"10.50"}}`,
			"commerce/orders", "conn_1", `{"id":"o_1","total":"10.50"}`},
		{"scope, credentialId, model",
			`{"scope":"commerce/customers","credentialId":"cred_1","model":{"id":"c_1"}}`,
			"commerce/customers", "cred_1", `{"id":"c_1"}`},
		{"event, snake credential_id, payload",
			`{"event":"connection/created","credential_id":"cred_2","payload":{"app":"shopify"}}`,
			"connection/created", "cred_2", `{"app":"shopify"}`},
		{"topic array, record",
			`{"topic":["", "commerce/products","commerce/orders"],"record":{"id":"p_1"}}`,
			"commerce/products", "", `{"id":"p_1"}`},
		{"topic wins over scope and event; connectionId over credentialId; data over model",
			`{"event":"e","scope":"s","topic":"t","credentialId":"cred","connectionId":"conn","model":{"m":1},"data":{"d":1}}`,
			"t", "conn", `{"d":1}`},
		{"null data skipped",
			`{"topic":"t","data":null,"model":{"a":1}}`,
			"t", "", `{"a":1}`},
		{"envelope without a model key: whole body",
			`{"topic":"commerce/orders","id":"o_1"}`,
			"commerce/orders", "", `{"topic":"commerce/orders","id":"o_1"}`},
		{"numeric connection id",
			`{"topic":"t","connectionId":77,"data":[1,2]}`,
			"t", "77", `[1,2]`},
		{"bare model",
			`{"id":"o_1","total":"10.50"}`,
			"", "", `{"id":"o_1","total":"10.50"}`},
		{"bare model with a data field stays whole",
			`{"id":"o_1","data":{"x":1}}`,
			"", "", `{"id":"o_1","data":{"x":1}}`},
		{"lone data key is unwrapped",
			`{"data":{"id":"o_1"}}`,
			"", "", `{"id":"o_1"}`},
		{"lone null data key is the whole body",
			`{"data":null}`,
			"", "", `{"data":null}`},
		{"data array",
			`{"topic":"commerce/orders","data":[{"id":"o_1"},{"id":"o_2"}]}`,
			"commerce/orders", "", `[{"id":"o_1"},{"id":"o_2"}]`},
		{"non-string topic ignored",
			`{"topic":{"x":1},"scope":"commerce/orders","data":{}}`,
			"commerce/orders", "", `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := ParseUnified([]byte(tt.body))
			require.NoError(t, err)
			assert.Equal(t, tt.topic, e.Topic)
			assert.Equal(t, tt.conn, e.ConnectionID)
			assert.JSONEq(t, tt.model, string(e.Model))
			assert.JSONEq(t, tt.body, string(e.Raw))
		})
	}
}

func TestUnifiedDecode(t *testing.T) {
	t.Parallel()
	e, err := ParseUnified([]byte(`{"topic":"commerce/orders","data":{"id":"o_1","total":"10.50","extra":true}}`))
	require.NoError(t, err)

	o, err := DecodeModel[testOrder](e)
	require.NoError(t, err)
	assert.Equal(t, &testOrder{ID: "o_1", Total: "10.50"}, o)

	var m map[string]any
	require.NoError(t, e.Decode(&m))
	assert.Equal(t, map[string]any{"id": "o_1", "total": "10.50", "extra": true}, m)

	list, err := ParseUnified([]byte(`{"topic":"commerce/orders","data":[{"id":"o_1"},{"id":"o_2"}]}`))
	require.NoError(t, err)
	orders, err := DecodeModel[[]testOrder](list)
	require.NoError(t, err)
	assert.Equal(t, []testOrder{{ID: "o_1"}, {ID: "o_2"}}, *orders)

	_, err = DecodeModel[testOrder](list) // an array is not an object
	assert.Error(t, err)

	_, err = DecodeModel[testOrder](nil)
	assert.ErrorIs(t, err, ErrInvalidEvent)
	assert.ErrorIs(t, (&UnifiedEvent{}).Decode(&m), ErrInvalidEvent)
}

func TestParseUnifiedErrors(t *testing.T) {
	t.Parallel()
	for _, body := range []string{``, `null`, `[]`, `[{"topic":"t"}]`, `"commerce/orders"`, `{}`, ` { } `, `{"topic":`, `<xml/>`} {
		e, err := ParseUnified([]byte(body))
		assert.Nil(t, e, body)
		assert.ErrorIs(t, err, ErrInvalidEvent, body)
		assert.Contains(t, err.Error(), "alloy: webhook: unified: ", body)
	}
}

func TestNormKey(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"userId", "user_id", "UserID", "USER-ID", "user id", "userid"} {
		assert.Equal(t, "userid", normKey(k), k)
	}
}
