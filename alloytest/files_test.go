package alloytest_test

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	alloy "github.com/alloysdk/alloy-go"
)

func TestFilesUploadListDelete(t *testing.T) {
	srv, c, u := setup(t, "2025-09")
	ctx := context.Background()
	content := []byte("id,total\n1,9.99\n")

	up, err := c.Files.Upload(ctx, alloy.FileUploadParams{Filename: "orders.csv", MimeType: "text/csv"}, content)
	require.NoError(t, err)
	assert.Equal(t, "new", up.Type)
	assert.True(t, strings.HasSuffix(up.S3Key, "_orders.csv"), up.S3Key)
	assert.True(t, strings.HasPrefix(up.URL, srv.URL+"/alloytest-files/"), "the presigned URL points at the fake's storage host")
	got, ok := srv.FileContent(up.S3Key)
	require.True(t, ok)
	assert.Equal(t, content, got)

	files, err := c.Files.List(ctx)
	require.NoError(t, err)
	require.Len(t, files, 1)
	assert.Equal(t, up.S3Key, files[0].S3Key)
	assert.Equal(t, "orders.csv", files[0].Filename)
	assert.Equal(t, int64(len(content)), files[0].Size)
	assert.WithinDuration(t, time.Now(), files[0].LastModified.Time, 5*time.Second)

	// The same bytes again: Alloy already holds them, nothing is uploaded.
	puts := srv.Counts().Routes["PUT /alloytest-files/{s3Key}"].Handled
	again, err := c.Files.Upload(ctx, alloy.FileUploadParams{Filename: "copy.csv", MimeType: "text/csv"}, content)
	require.NoError(t, err)
	assert.Equal(t, "existing", again.Type)
	assert.Equal(t, up.S3Key, again.S3Key)
	assert.Equal(t, puts, srv.Counts().Routes["PUT /alloytest-files/{s3Key}"].Handled)

	// Files are scoped: another user (x-alloy-userid) sees none of these.
	theirs, err := c.Files.List(ctx, alloy.AsUser(u.ID))
	require.NoError(t, err)
	assert.Empty(t, theirs)
	assert.ErrorIs(t, c.Files.Delete(ctx, up.S3Key, alloy.AsUser(u.ID)), alloy.ErrNotFound, "ownership is checked")
	mine, err := c.Files.Upload(ctx, alloy.FileUploadParams{Filename: "orders.csv", MimeType: "text/csv"}, content, alloy.AsUser(u.ID))
	require.NoError(t, err)
	assert.Equal(t, u.ID+"_orders.csv", mine.S3Key, "keyed by the user, as Alloy's example keys are")

	require.NoError(t, c.Files.Delete(ctx, up.S3Key))
	files, err = c.Files.List(ctx)
	require.NoError(t, err)
	assert.Empty(t, files)
	assert.ErrorIs(t, c.Files.Delete(ctx, up.S3Key), alloy.ErrNotFound)
	_, ok = srv.FileContent(up.S3Key)
	assert.False(t, ok)

	_, err = srv.Client(alloy.WithAPIVersion("2024-03")).Files.List(ctx)
	assert.ErrorIs(t, err, alloy.ErrUnsupportedVersion)
}

// TestUploadHostActsLikeS3: the fake's storage host checks what S3 checks
// of a presigned PUT, and refuses a request that carries an API key.
func TestUploadHostActsLikeS3(t *testing.T) {
	srv, c, _ := setup(t, "2025-09")
	content := []byte("hello")
	sum := md5.Sum(content)
	md5b64 := base64.StdEncoding.EncodeToString(sum[:])
	up, err := c.Files.RequestUpload(context.Background(), alloy.FileUploadParams{Filename: "hello.txt", MimeType: "text/plain", MD5: hex.EncodeToString(sum[:])})
	require.NoError(t, err)
	assert.Equal(t, md5b64, up.MD5, "in base64, whatever form was sent")
	put := func(target string, header map[string]string, body []byte) (int, string) {
		req, err := http.NewRequest(http.MethodPut, target, strings.NewReader(string(body)))
		require.NoError(t, err)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	good := map[string]string{"Content-Type": "text/plain", "Content-MD5": md5b64}
	u, err := url.Parse(up.URL)
	require.NoError(t, err)
	unsigned := *u
	unsigned.RawQuery = ""
	for _, tc := range []struct {
		name   string
		target string
		header map[string]string
		body   []byte
		status int
		code   string
	}{
		{"with an API key", up.URL, map[string]string{"Content-Type": "text/plain", "Content-MD5": md5b64, "Authorization": "Bearer " + srv.APIKey}, content, 400, "InvalidArgument"},
		{"unsigned", unsigned.String(), good, content, 403, "SignatureDoesNotMatch"},
		{"another key", strings.Replace(up.URL, "hello.txt", "other.txt", 1), good, content, 403, "SignatureDoesNotMatch"},
		{"other content type", up.URL, map[string]string{"Content-Type": "text/csv", "Content-MD5": md5b64}, content, 403, "SignatureDoesNotMatch"},
		{"no Content-MD5", up.URL, map[string]string{"Content-Type": "text/plain"}, content, 403, "SignatureDoesNotMatch"},
		{"other bytes", up.URL, good, []byte("hellO"), 400, "BadDigest"},
		{"good", up.URL, good, content, 200, ""},
	} {
		status, body := put(tc.target, tc.header, tc.body)
		assert.Equal(t, tc.status, status, "%s: %s", tc.name, body)
		if tc.code != "" {
			assert.Contains(t, body, "<Code>"+tc.code+"</Code>", tc.name)
		}
	}
	got, ok := srv.FileContent(up.S3Key)
	require.True(t, ok)
	assert.Equal(t, content, got)
}

func TestFilesRaw(t *testing.T) {
	srv, _, _ := setup(t, "2025-09")
	for _, tc := range []struct {
		name, body string
		status     int
		contains   string
	}{
		{"no md5", `{"filename":"a.txt","mimeType":"text/plain"}`, 400, `property \"md5\" is missing`},
		{"bad md5", `{"filename":"a.txt","mimeType":"text/plain","md5":"nope"}`, 400, "md5 must be an MD5 hash in hex or base64"},
		{"path in the name", `{"filename":"../a.txt","mimeType":"text/plain","md5":"2942bfabb3d05332b66eb128e0842cff"}`, 400, "filename must be a file name"},
		{"base64 md5", `{"filename":"a.txt","mimeType":"text/plain","md5":"KUK/q7PQUzK2brEo4IQs/w=="}`, 200, `"md5":"KUK/q7PQUzK2brEo4IQs/w=="`},
	} {
		status, body := raw(t, srv, "POST", "/connectors/files/upload/request", "Bearer "+srv.APIKey, "2025-09", tc.body)
		assert.Equal(t, tc.status, status, "%s: %s", tc.name, body)
		assert.Contains(t, body, tc.contains, tc.name)
	}
	_, body := raw(t, srv, "GET", "/connectors/files/list", "Bearer "+srv.APIKey, "2025-09", "")
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &out))
	assert.Equal(t, map[string]any{"files": []any{}}, out, "a requested upload lists nothing until its bytes arrive")
	status, body := raw(t, srv, "DELETE", "/connectors/files/nope", "Bearer "+srv.APIKey, "2025-09", "")
	assert.Equal(t, 404, status, body)
}
