package alloy

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFilesRequestsAndDecoding(t *testing.T) {
	t.Parallel()
	runAPICases(t, []apiCase{
		{
			name: "List", op: "Files.List",
			response: `{"files":[{"s3Key":"651eb6e11d156e0d7a42c59d_document.pdf","filename":"document.pdf","size":2048,"lastModified":"2025-10-01T08:30:00Z"}]}`,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.Files.List(ctx) },
			want: []File{{S3Key: "651eb6e11d156e0d7a42c59d_document.pdf", Filename: "document.pdf", Size: 2048,
				LastModified: Timestamp{time.Date(2025, 10, 1, 8, 30, 0, 0, time.UTC)}}},
		},
		{
			name: "RequestUpload", op: "Files.RequestUpload",
			response: `{"presignedUrl":{"md5":"KUK/q7PQUzK2brEo4IQs/w==","presignedUrl":"https://alloy-user-files.s3.us-east-1.amazonaws.com/651eb6e11d156e0d7a42c59d_document.pdf","type":"new","s3Key":"651eb6e11d156e0d7a42c59d_document.pdf"}}`,
			wantBody: `{"filename":"document.pdf","mimeType":"application/pdf","md5":"2942bfabb3d05332b66eb128e0842cff"}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Files.RequestUpload(ctx, FileUploadParams{Filename: "document.pdf", MimeType: "application/pdf", MD5: "2942bfabb3d05332b66eb128e0842cff"})
			},
			want: &PresignedUpload{MD5: "KUK/q7PQUzK2brEo4IQs/w==", Type: "new", S3Key: "651eb6e11d156e0d7a42c59d_document.pdf",
				URL: "https://alloy-user-files.s3.us-east-1.amazonaws.com/651eb6e11d156e0d7a42c59d_document.pdf"},
		},
		{
			name: "Delete", op: "Files.Delete", ids: []string{"651eb6e11d156e0d7a42c59d_a b.pdf"},
			response: `{"success":true,"message":"File deleted successfully"}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return nil, c.Files.Delete(ctx, "651eb6e11d156e0d7a42c59d_a b.pdf")
			},
		},
	})
}

func TestFilesBadInputSendsNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"RequestUpload no filename": func() error {
			_, err := h.c.Files.RequestUpload(ctx, FileUploadParams{MimeType: "text/plain", MD5: "2942bfabb3d05332b66eb128e0842cff"})
			return err
		},
		"RequestUpload no mimeType": func() error {
			_, err := h.c.Files.RequestUpload(ctx, FileUploadParams{Filename: "a", MD5: "2942bfabb3d05332b66eb128e0842cff"})
			return err
		},
		"RequestUpload no md5": func() error {
			_, err := h.c.Files.RequestUpload(ctx, FileUploadParams{Filename: "a", MimeType: "text/plain"})
			return err
		},
		"RequestUpload bad md5": func() error {
			_, err := h.c.Files.RequestUpload(ctx, FileUploadParams{Filename: "a", MimeType: "text/plain", MD5: "abc"})
			return err
		},
		"Upload md5 of other content": func() error {
			_, err := h.c.Files.Upload(ctx, FileUploadParams{Filename: "a", MimeType: "text/plain", MD5: "2942bfabb3d05332b66eb128e0842cff"}, []byte("x"))
			return err
		},
		"Delete no key": func() error { return h.c.Files.Delete(ctx, "") },
	} {
		require.ErrorIs(t, call(), ErrInvalidArgument, name)
	}
	assert.Zero(t, h.mt.GetTotalCallCount())
}

// uploadHost records what a presigned URL's host receives.
type uploadHost struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []sent
}

func newUploadHost(t *testing.T, answer http.HandlerFunc) *uploadHost {
	u := &uploadHost{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h := r.Header.Clone()
		h.Set("Recorded-Content-Length", strconv.FormatInt(r.ContentLength, 10))
		h.Set("Recorded-Transfer-Encoding", strings.Join(r.TransferEncoding, ","))
		u.mu.Lock()
		u.reqs = append(u.reqs, sent{Method: r.Method, URL: r.URL.String(), Header: h, Body: body})
		u.mu.Unlock()
		answer(w, r)
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *uploadHost) requests() []sent {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]sent(nil), u.reqs...)
}

// alloyForUpload is an Alloy that answers an upload request with a
// presigned URL (built by presign from the request's md5), recording what
// it receives.
func alloyForUpload(t *testing.T, presign func(md5Hex string) string) *uploadHost {
	return newUploadHost(t, func(w http.ResponseWriter, r *http.Request) {
		var in FileUploadParams
		_ = json.NewDecoder(r.Body).Decode(&in)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, presign(in.MD5))
	})
}

func uploadClient(t *testing.T, base string) *Client {
	c, err := NewClient(testKey, WithBaseURL(base), WithAPIVersion("2025-09"), WithRetryWait(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	return c
}

func presignedAnswer(url, md5b64, kind string) string {
	b, _ := json.Marshal(map[string]any{"presignedUrl": map[string]string{"md5": md5b64, "presignedUrl": url, "type": kind, "s3Key": "u1_report.csv"}})
	return string(b)
}

const uploadSignature = "X-Amz-Signature=s3cr3t-sig&X-Amz-Expires=3600"

// TestUploadCarriesNoAlloyCredentials: the PUT goes to the presigned URL as
// given (not under the client's base URL), with Content-Type and
// Content-MD5 and the bytes, and none of the client's or the call's
// headers: no Authorization, no x-api-version, no x-alloy-userid, no
// header from WithHeader.
func TestUploadCarriesNoAlloyCredentials(t *testing.T) {
	t.Parallel()
	content := []byte("id,total\n1,9.99\n")
	sum := md5.Sum(content)
	host := newUploadHost(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	alloySide := alloyForUpload(t, func(string) string {
		return presignedAnswer(host.URL+"/alloy-user-files/u1_report.csv?"+uploadSignature, base64.StdEncoding.EncodeToString(sum[:]), "new")
	})
	c := uploadClient(t, alloySide.URL+"/prefix")

	up, err := c.Files.Upload(context.Background(), FileUploadParams{Filename: "report.csv", MimeType: "text/csv"}, content,
		AsUser("u1"), WithHeader("X-Trace", "t-1"))
	require.NoError(t, err)
	assert.Equal(t, "u1_report.csv", up.S3Key)

	asked := alloySide.requests()
	require.Len(t, asked, 1, "one request to Alloy, the upload request")
	assert.Equal(t, "POST", asked[0].Method)
	assert.Equal(t, "/prefix/connectors/files/upload/request", asked[0].URL)
	assert.Equal(t, "Bearer "+testKey, asked[0].Header.Get("Authorization"))
	assert.Equal(t, "u1", asked[0].Header.Get("X-Alloy-Userid"))
	assert.JSONEq(t, `{"filename":"report.csv","mimeType":"text/csv","md5":"`+hex.EncodeToString(sum[:])+`"}`, string(asked[0].Body))

	puts := host.requests()
	require.Len(t, puts, 1)
	put := puts[0]
	assert.Equal(t, "PUT", put.Method)
	assert.Equal(t, "/alloy-user-files/u1_report.csv?"+uploadSignature, put.URL, "the presigned URL as given: the base URL's prefix is not added")
	assert.Equal(t, content, put.Body)
	assert.Equal(t, strconv.Itoa(len(content)), put.Header.Get("Recorded-Content-Length"), "S3 wants a length, not a chunked body")
	assert.Equal(t, "text/csv", put.Header.Get("Content-Type"))
	assert.Equal(t, base64.StdEncoding.EncodeToString(sum[:]), put.Header.Get("Content-Md5"))
	for _, h := range []string{"Authorization", "X-Api-Version", "X-Alloy-Userid", "X-Trace", "Cookie"} {
		assert.Empty(t, put.Header.Values(h), "the upload must not carry %s", h)
	}
	for name, values := range put.Header {
		for _, v := range values {
			assert.NotContains(t, v, testKey, "header %s", name)
		}
	}
}

// TestUploadFollowsNoRedirectToAnotherHost: a presigned URL's host that
// redirects elsewhere gets an error back, and the other host sees nothing;
// within the same host a redirect is followed, still without credentials.
func TestUploadFollowsNoRedirectToAnotherHost(t *testing.T) {
	t.Parallel()
	content := []byte("%PDF-1.7")
	sum := md5.Sum(content)
	md5b64 := base64.StdEncoding.EncodeToString(sum[:])
	elsewhere := newUploadHost(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })

	t.Run("to another host", func(t *testing.T) {
		for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound} {
			host := newUploadHost(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, elsewhere.URL+"/steal?"+r.URL.RawQuery, status)
			})
			alloySide := alloyForUpload(t, func(string) string {
				return presignedAnswer(host.URL+"/u1_doc.pdf?"+uploadSignature, md5b64, "new")
			})
			_, err := uploadClient(t, alloySide.URL).Files.Upload(context.Background(), FileUploadParams{Filename: "doc.pdf", MimeType: "application/pdf"}, content)
			require.Error(t, err, status)
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, status, apiErr.StatusCode)
			assert.Equal(t, "PUT", apiErr.Method)
			assert.Equal(t, "/u1_doc.pdf", apiErr.Path)
			assert.Contains(t, err.Error(), "another host, which is not followed")
			assert.NotContains(t, err.Error(), "s3cr3t-sig", "the signature is not repeated")
			assert.Len(t, host.requests(), 1, "sent once: a redirect is not a failure to retry")
		}
		assert.Empty(t, elsewhere.requests(), "the other host received nothing")
	})

	t.Run("within the host", func(t *testing.T) {
		host := newUploadHost(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/old" {
				http.Redirect(w, r, "/new?"+r.URL.RawQuery, http.StatusTemporaryRedirect)
				return
			}
			w.WriteHeader(http.StatusOK)
		})
		alloySide := alloyForUpload(t, func(string) string { return presignedAnswer(host.URL+"/old?"+uploadSignature, md5b64, "new") })
		_, err := uploadClient(t, alloySide.URL).Files.Upload(context.Background(), FileUploadParams{Filename: "doc.pdf", MimeType: "application/pdf"}, content)
		require.NoError(t, err)
		reqs := host.requests()
		require.Len(t, reqs, 2)
		assert.Equal(t, "/new?"+uploadSignature, reqs[1].URL)
		assert.Equal(t, content, reqs[1].Body)
		assert.Empty(t, reqs[1].Header.Get("Authorization"))
		assert.Equal(t, md5b64, reqs[1].Header.Get("Content-Md5"))
	})
}

func TestUploadRefusals(t *testing.T) {
	t.Parallel()
	content := []byte("hello")
	sum := md5.Sum(content)
	md5b64 := base64.StdEncoding.EncodeToString(sum[:])
	params := FileUploadParams{Filename: "hello.txt", MimeType: "text/plain"}
	host := newUploadHost(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>`)
	})

	t.Run("nothing is uploaded", func(t *testing.T) {
		for name, answer := range map[string]string{
			"already held":             presignedAnswer(host.URL+"/x?"+uploadSignature, md5b64, "existing"),
			"signed for another md5":   presignedAnswer(host.URL+"/x?"+uploadSignature, "KUK/q7PQUzK2brEo4IQs/w==", "new"),
			"plain http, not loopback": presignedAnswer("http://alloy-user-files.example.com/x?"+uploadSignature, md5b64, "new"),
			"relative":                 presignedAnswer("/x?"+uploadSignature, md5b64, "new"),
			"userinfo":                 presignedAnswer("https://user:pw@alloy-user-files.example.com/x", md5b64, "new"),
			"not http":                 presignedAnswer("ftp://alloy-user-files.example.com/x", md5b64, "new"),
		} {
			alloySide := alloyForUpload(t, func(string) string { return answer })
			up, err := uploadClient(t, alloySide.URL).Files.Upload(context.Background(), params, content)
			if name == "already held" {
				require.NoError(t, err)
				assert.Equal(t, "existing", up.Type)
			} else {
				require.Error(t, err, name)
				assert.Contains(t, err.Error(), "nothing uploaded", name)
				assert.NotContains(t, err.Error(), "s3cr3t-sig", name)
				assert.NotContains(t, err.Error(), "pw", name)
			}
		}
		assert.Empty(t, host.requests(), "no PUT")
	})

	t.Run("the host refuses: *Error without the signature", func(t *testing.T) {
		alloySide := alloyForUpload(t, func(string) string { return presignedAnswer(host.URL+"/u1_hello.txt?"+uploadSignature, md5b64, "new") })
		_, err := uploadClient(t, alloySide.URL).Files.Upload(context.Background(), params, content)
		var apiErr *Error
		require.ErrorAs(t, err, &apiErr)
		assert.ErrorIs(t, err, ErrForbidden)
		assert.Equal(t, "/u1_hello.txt", apiErr.Path)
		assert.NotContains(t, err.Error(), "s3cr3t-sig")
		assert.Contains(t, string(apiErr.Body), "Request has expired")
	})

	t.Run("the host is gone: a TransportError without the signature", func(t *testing.T) {
		gone := httptest.NewServer(http.NotFoundHandler())
		gone.Close()
		alloySide := alloyForUpload(t, func(string) string { return presignedAnswer(gone.URL+"/u1_hello.txt?"+uploadSignature, md5b64, "new") })
		c, err := NewClient(testKey, WithBaseURL(alloySide.URL), WithAPIVersion("2025-09"), WithMaxRetries(0))
		require.NoError(t, err)
		_, err = c.Files.Upload(context.Background(), params, content)
		var te *TransportError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, "PUT", te.Method)
		assert.NotContains(t, err.Error(), "s3cr3t-sig")
		assert.Contains(t, err.Error(), gone.URL+"/u1_hello.txt")
	})

	t.Run("an empty file is uploaded as zero bytes", func(t *testing.T) {
		empty := md5.Sum(nil)
		ok := newUploadHost(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
		alloySide := alloyForUpload(t, func(string) string {
			return presignedAnswer(ok.URL+"/e?"+uploadSignature, base64.StdEncoding.EncodeToString(empty[:]), "new")
		})
		_, err := uploadClient(t, alloySide.URL).Files.Upload(context.Background(), FileUploadParams{Filename: "e", MimeType: "text/plain"}, nil)
		require.NoError(t, err)
		require.Len(t, ok.requests(), 1)
		assert.Equal(t, "0", ok.requests()[0].Header.Get("Recorded-Content-Length"))
		assert.Empty(t, ok.requests()[0].Header.Get("Recorded-Transfer-Encoding"), "not chunked")
		assert.Empty(t, ok.requests()[0].Body)
	})

	t.Run("older versions refuse it before any I/O", func(t *testing.T) {
		h := newHarness(t, WithAPIVersion("2024-03"))
		_, err := h.c.Files.Upload(context.Background(), params, content)
		require.ErrorIs(t, err, ErrUnsupportedVersion)
		assert.False(t, errors.Is(err, ErrInvalidArgument))
		assert.Zero(t, h.mt.GetTotalCallCount())
	})
}

func TestDecodeMD5(t *testing.T) {
	t.Parallel()
	for in, ok := range map[string]bool{
		"2942bfabb3d05332b66eb128e0842cff": true, "KUK/q7PQUzK2brEo4IQs/w==": true, "2942BFABB3D05332B66EB128E0842CFF": true,
		"": false, "abc": false, "2942bfabb3d05332b66eb128e0842cfg": false, base64.StdEncoding.EncodeToString([]byte("short")): false,
	} {
		got, gotOK := decodeMD5(in)
		assert.Equal(t, ok, gotOK, in)
		if ok {
			assert.Equal(t, "2942bfabb3d05332b66eb128e0842cff", strings.ToLower(hex.EncodeToString(got)), in)
		}
	}
}
