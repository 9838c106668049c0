package alloy

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/alloysdk/alloy-go/internal/transport"
)

// FilesService stores files on Alloy for use in connector actions, which
// take a file by its S3 key (the Connectivity API's file management:
// https://docs.runalloy.com/connectivity-api/files). Files belong to the
// authenticated user: List shows only theirs and Delete checks ownership.
// (The file pages declare no x-alloy-userid, unlike the rest of the
// Connectivity API; AsUser still sends it, and alloytest scopes files by
// it.) It exists from API version 2025-09 on; on older versions every
// method fails with ErrUnsupportedVersion and sends nothing.
//
// Alloy's reference groups these routes as their own resource ("Files"),
// and they name no connector, so they are a service of their own rather
// than methods of Connectors, although their paths start with /connectors.
type FilesService service

// File is one stored file.
type File struct {
	S3Key    string `json:"s3Key"`    // the file's key: what actions and Delete take
	Filename string `json:"filename"` // the file's name, without the user prefix of its key
	Size     int64  `json:"size"`     // in bytes
	// LastModified is zero when absent or unparsable.
	LastModified Timestamp `json:"lastModified"`
}

// FileUploadParams describe a file to upload.
type FileUploadParams struct {
	Filename string `json:"filename"` // required, e.g. "document.pdf"
	// MimeType is required, e.g. "application/pdf"; Upload sends it as the
	// upload's Content-Type.
	MimeType string `json:"mimeType"`
	// MD5 is the file's MD5 digest, in hex or base64. RequestUpload
	// requires it; Upload computes it from the content (and, when it is
	// set, checks that it matches).
	MD5 string `json:"md5"`
}

// PresignedUpload is where and how to upload a file's bytes.
type PresignedUpload struct {
	// MD5 is the file's digest in base64: the upload's Content-MD5.
	MD5 string `json:"md5"`
	// URL is where to PUT the bytes, without Alloy's API key: it carries
	// its own signature, and expires after an hour. Treat it as a secret.
	URL string `json:"presignedUrl"`
	// Type is "new", or "existing" when Alloy already holds a file of the
	// user's with this MD5 (its pages: automatic deduplication).
	Type  string `json:"type"`
	S3Key string `json:"s3Key"` // the file's key once uploaded
}

// List returns the authenticated user's files. GET /connectors/files/list
func (s *FilesService) List(ctx context.Context, opts ...RequestOption) ([]File, error) {
	return listOf[File](ctx, s.client, "Files.List", call{}, opts, "files", "data")
}

// RequestUpload asks Alloy where to upload a file: the presigned URL to PUT
// its bytes to, with the Content-MD5 to send. Upload does both steps.
// POST /connectors/files/upload/request
//
// Not retried on 5xx or timeouts (a POST); a second request is harmless,
// so pass WithIdempotent to retry it.
func (s *FilesService) RequestUpload(ctx context.Context, params FileUploadParams, opts ...RequestOption) (*PresignedUpload, error) {
	if err := params.check("request file upload", true); err != nil {
		return nil, err
	}
	var out struct {
		PresignedURL *PresignedUpload `json:"presignedUrl"`
	}
	if err := s.client.send(ctx, call{op: "Files.RequestUpload", body: params, out: &out}, opts); err != nil {
		return nil, err
	}
	if out.PresignedURL == nil || out.PresignedURL.S3Key == "" {
		return nil, fmt.Errorf("alloy: Files.RequestUpload: response has no presignedUrl with an s3Key")
	}
	return out.PresignedURL, nil
}

// Upload stores content as a file of the authenticated user and returns
// where it went (S3Key). It requests a presigned URL (RequestUpload, with
// the content's MD5), then PUTs the bytes there with Content-Type and
// Content-MD5, as Alloy's files guide shows; when Alloy answers that it
// already holds the file (Type "existing"), nothing is uploaded.
//
// The upload is sent to the presigned URL as Alloy gave it, whatever the
// client's base URL, with no Authorization header, no x-api-version, no
// x-alloy-userid and none of opts' headers: the URL carries its own
// signature, and Alloy's API key must not reach the storage host. It must
// be https (or http to a loopback host, for tests), and a redirect to
// another host is not followed: it ends Upload with an error. opts apply to
// the RequestUpload call; the upload is retried like any PUT, on the
// client's settings. An upload the host refuses is an *Error (its Path is
// the URL's path, without the signature).
func (s *FilesService) Upload(ctx context.Context, params FileUploadParams, content []byte, opts ...RequestOption) (*PresignedUpload, error) {
	if err := params.check("upload file", false); err != nil {
		return nil, err
	}
	sum := md5.Sum(content)
	if params.MD5 != "" {
		given, ok := decodeMD5(params.MD5)
		if !ok || !bytes.Equal(given, sum[:]) {
			return nil, invalidArg("upload file", "MD5 does not match the content")
		}
	}
	params.MD5 = hex.EncodeToString(sum[:])
	up, err := s.RequestUpload(ctx, params, opts...)
	if err != nil {
		return nil, err
	}
	if up.Type == "existing" {
		return up, nil
	}
	if up.MD5 != "" {
		if got, ok := decodeMD5(up.MD5); !ok || !bytes.Equal(got, sum[:]) {
			return nil, fmt.Errorf("alloy: Files.Upload: Alloy signed the upload for another MD5 than the content's; nothing uploaded")
		}
	}
	target, shown, err := uploadURL(up.URL)
	if err != nil {
		return nil, fmt.Errorf("alloy: Files.Upload: %w; nothing uploaded", err)
	}
	if err := s.client.put(ctx, target, shown, params.MimeType, base64.StdEncoding.EncodeToString(sum[:]), content); err != nil {
		return nil, err
	}
	return up, nil
}

// Delete deletes one of the authenticated user's files.
// DELETE /connectors/files/{s3Key}
func (s *FilesService) Delete(ctx context.Context, s3Key string, opts ...RequestOption) error {
	return s.client.send(ctx, call{op: "Files.Delete", path: []string{s3Key}}, opts)
}

// check validates the params; withMD5 requires MD5 (RequestUpload).
func (p *FileUploadParams) check(op string, withMD5 bool) error {
	switch {
	case strings.TrimSpace(p.Filename) == "":
		return invalidArg(op, "filename is empty")
	case strings.TrimSpace(p.MimeType) == "" || strings.ContainsFunc(p.MimeType, isControl):
		return invalidArg(op, "mimeType is empty or has a control character")
	case withMD5 && p.MD5 == "":
		return invalidArg(op, "md5 is empty")
	}
	if _, ok := decodeMD5(p.MD5); p.MD5 != "" && !ok {
		return invalidArg(op, "md5 is neither 32 hex digits nor the base64 of 16 bytes")
	}
	return nil
}

// decodeMD5 reads an MD5 digest in hex or base64, the two forms Alloy
// accepts.
func decodeMD5(s string) ([]byte, bool) {
	if len(s) == 32 {
		if b, err := hex.DecodeString(s); err == nil {
			return b, true
		}
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == md5.Size {
		return b, true
	}
	return nil, false
}

// uploadURL checks a presigned URL before anything is sent to it: absolute,
// https (http only to a loopback host), no userinfo. shown is the URL
// without its query (the signature) and fragment, for errors.
func uploadURL(raw string) (target, shown string, err error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || !u.IsAbs() {
		return "", "", errors.New("the presigned URL is not an absolute URL")
	}
	shown = (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}).String()
	switch {
	case u.User != nil:
		return "", "", fmt.Errorf("the presigned URL %s carries userinfo", shown)
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	default:
		return "", "", fmt.Errorf("the presigned URL %s is not https", shown)
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String(), shown, nil
}

// put uploads content to a presigned URL: its own request, with none of the
// client's headers but the User-Agent, through the client's transport
// (retries, the caller's *http.Client, no redirect to another host).
func (c *Client) put(ctx context.Context, target, shown, contentType, contentMD5 string, content []byte) error {
	ctx, dc := c.bound(ctx)
	defer c.deadlines.stop(dc)
	path, host := shown, ""
	if u, err := url.Parse(shown); err == nil {
		path, host = u.EscapedPath(), u.Host
	}
	header := http.Header{
		"Content-Type": {contentType},
		"Content-Md5":  {contentMD5},
		"User-Agent":   c.cfg.header["User-Agent"],
	}
	body := content
	if len(body) == 0 {
		// No body: net/http then sends Content-Length: 0, where an empty
		// one would go chunked, which S3 refuses.
		body = nil
	}
	resp, stats, err := c.tr.Do(ctx, &transport.Request{
		Method: http.MethodPut, URL: target, Route: presignedRoute, Header: header,
		Body: body, Idempotent: true, MaxRetries: -1,
	})
	if err != nil {
		return fmt.Errorf("alloy: Files.Upload: upload to %s: %w", shown,
			&TransportError{Method: http.MethodPut, Route: presignedRoute, Path: path, Attempts: stats.Attempts, Err: c.red.Err(withoutURL(err, shown))})
	}
	defer resp.Body.Close()
	errBody, _, _ := readCapped(nil, resp.Body, maxErrorBody)
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		where := "another host"
		if loc, err := resp.Location(); err == nil && loc.Host == host {
			where = "the same host, past the redirect limit"
		}
		return fmt.Errorf("alloy: Files.Upload: %s answered %d, a redirect to %s, which is not followed: %w",
			shown, resp.StatusCode, where, uploadError(path, resp, errBody, stats.Attempts, c))
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return fmt.Errorf("alloy: Files.Upload: upload to %s: %w", shown,
			uploadError(path, resp, errBody, stats.Attempts, c))
	}
	return nil
}

// presignedRoute names the presigned upload URL in errors.
const presignedRoute = "{presignedUrl}"

// uploadError is the *Error of an upload the storage host refused.
func uploadError(path string, resp *http.Response, body []byte, attempts int, c *Client) *Error {
	e := newError(http.MethodPut, path, resp.StatusCode, resp.Header, body, attempts, c.red)
	e.Route = presignedRoute
	return e
}

// withoutURL replaces the URL that net/http's *url.Error repeats (with the
// presigned URL's signature) by shown.
func withoutURL(err error, shown string) error {
	if ue, ok := err.(*url.Error); ok {
		return &url.Error{Op: ue.Op, URL: shown, Err: ue.Err}
	}
	return err
}
