package alloytest

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The Connectivity API's files (https://docs.runalloy.com/connectivity-api/
// files): POST /connectors/files/upload/request answers a presigned URL on
// this server (the fake-only route PUT /alloytest-files/{s3Key}), which
// stands in for S3: it takes the bytes without an API key, checks the
// signature, Content-Type and Content-MD5 the way S3 does, and answers
// S3's XML errors. Files belong to the x-alloy-userid user when a call
// names one, else to the API key's owner (the account).

// presignedTTL is how long a presigned URL is good for ("Presigned URLs
// expire after 1 hour").
const presignedTTL = time.Hour

// uploadPath is where the fake's presigned URLs point.
const uploadPath = "/alloytest-files/"

// storedFile is one file, uploaded or waiting for its bytes.
type storedFile struct {
	owner    string // a user id, or "" for the API key's owner
	s3Key    string
	filename string
	mimeType string
	md5      []byte
	content  []byte
	modified time.Time
	uploaded bool
}

// presigned is what a presigned URL's signature stands for.
type presigned struct {
	s3Key    string
	mimeType string
	md5      []byte
	expires  time.Time
}

// fileOwner resolves who a files call acts for, answering 404 itself for
// an unknown x-alloy-userid. The caller holds the store lock.
func (s *Server) fileOwner(w http.ResponseWriter, r *http.Request) (owner, prefix string, ok bool) {
	u, ok := s.optionalUser(w, r.Header.Get(asUserHeader))
	if !ok {
		return "", "", false
	}
	if u == nil {
		return "", s.teamID, true
	}
	return u.ID, u.ID, true
}

// requestUpload answers a presigned URL for a file of the caller: type
// "existing", with the held file's key, when they already hold one with
// this MD5 (deduplication), else "new" with the key <owner>_<filename>.
func (s *Server) requestUpload(w http.ResponseWriter, r *http.Request, _ *request) {
	var in struct {
		Filename string `json:"filename"`
		MimeType string `json:"mimeType"`
		MD5      string `json:"md5"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	sum, ok := decodeMD5(in.MD5)
	switch {
	case strings.TrimSpace(in.Filename) == "" || strings.ContainsAny(in.Filename, "/\\"):
		writeError(w, http.StatusBadRequest, "filename must be a file name")
		return
	case strings.TrimSpace(in.MimeType) == "":
		writeError(w, http.StatusBadRequest, "mimeType is required")
		return
	case !ok:
		writeError(w, http.StatusBadRequest, "md5 must be an MD5 hash in hex or base64")
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	owner, prefix, ok := s.fileOwner(w, r)
	if !ok {
		return
	}
	kind, key := "new", prefix+"_"+in.Filename
	for _, f := range s.st.files {
		if f.owner == owner && f.uploaded && bytes.Equal(f.md5, sum) {
			kind, key = "existing", f.s3Key
			break
		}
	}
	if kind == "new" && s.st.files[key] == nil {
		s.st.files[key] = &storedFile{owner: owner, s3Key: key, filename: in.Filename}
	}
	sig := randomHex(16)
	s.st.presigned[sig] = presigned{s3Key: key, mimeType: in.MimeType, md5: sum, expires: time.Now().Add(presignedTTL)}
	q := url.Values{"X-Amz-Expires": {"3600"}, "X-Amz-Signature": {sig}}
	writeJSON(w, http.StatusOK, map[string]any{"presignedUrl": map[string]string{
		"md5": base64.StdEncoding.EncodeToString(sum), "presignedUrl": s.URL + uploadPath + url.PathEscape(key) + "?" + q.Encode(),
		"type": kind, "s3Key": key,
	}})
}

// upload is the presigned URL's host: it stores the bytes of a file whose
// URL is signed and unexpired, when Content-Type and Content-MD5 are the
// ones signed and the bytes match Content-MD5. Like S3, it refuses a
// request that also carries an Authorization header: a client that sends
// its API key here leaks it.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, req *request) {
	if r.Header.Get("Authorization") != "" {
		writeS3Error(w, http.StatusBadRequest, "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpload))
	if err != nil {
		writeS3Error(w, http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	p, ok := s.st.presigned[r.URL.Query().Get("X-Amz-Signature")]
	switch {
	case !ok || p.s3Key != req.params["s3Key"]:
		writeS3Error(w, http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided")
		return
	case time.Now().After(p.expires):
		writeS3Error(w, http.StatusForbidden, "AccessDenied", "Request has expired")
		return
	case r.Header.Get("Content-Type") != p.mimeType || r.Header.Get("Content-MD5") != base64.StdEncoding.EncodeToString(p.md5):
		writeS3Error(w, http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided: check Content-Type and Content-MD5")
		return
	}
	if sum := md5.Sum(body); !bytes.Equal(sum[:], p.md5) {
		writeS3Error(w, http.StatusBadRequest, "BadDigest", "The Content-MD5 you specified did not match what we received")
		return
	}
	f := s.st.files[p.s3Key]
	if f == nil { // deleted since the URL was issued
		writeS3Error(w, http.StatusForbidden, "AccessDenied", "Access Denied")
		return
	}
	f.content, f.mimeType, f.md5 = bytes.Clone(body), p.mimeType, p.md5
	f.modified, f.uploaded = time.Now().UTC().Truncate(time.Second), true
	w.Header().Set("ETag", `"`+hex.EncodeToString(p.md5)+`"`)
	w.WriteHeader(http.StatusOK)
}

// maxUpload caps an upload's body.
const maxUpload = 32 << 20

// writeS3Error answers as S3 does: an XML error document.
func writeS3Error(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n<Error><Code>%s</Code><Message>%s</Message></Error>", code, msg)
}

// listFiles answers the caller's uploaded files, by key.
func (s *Server) listFiles(w http.ResponseWriter, r *http.Request, _ *request) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	owner, _, ok := s.fileOwner(w, r)
	if !ok {
		return
	}
	out := []map[string]any{}
	for _, f := range s.ownFiles(owner) {
		out = append(out, map[string]any{"s3Key": f.s3Key, "filename": f.filename, "size": len(f.content), "lastModified": f.modified.Format(time.RFC3339)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"files": out})
}

// ownFiles are owner's uploaded files, by key. The caller holds the store
// lock.
func (s *Server) ownFiles(owner string) []*storedFile {
	var out []*storedFile
	for _, f := range s.st.files {
		if f.owner == owner && f.uploaded {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b *storedFile) int { return strings.Compare(a.s3Key, b.s3Key) })
	return out
}

// deleteFile deletes one of the caller's files; another's is not found
// ("Delete endpoint validates file ownership before deletion").
func (s *Server) deleteFile(w http.ResponseWriter, r *http.Request, req *request) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	owner, _, ok := s.fileOwner(w, r)
	if !ok {
		return
	}
	f := s.st.files[req.params["s3Key"]]
	if f == nil || f.owner != owner || !f.uploaded {
		writeError(w, http.StatusNotFound, "File not found")
		return
	}
	delete(s.st.files, f.s3Key)
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "message": "File deleted successfully"})
}

// FileContent returns the bytes uploaded as the file s3Key, for tests that
// check what arrived.
func (s *Server) FileContent(s3Key string) ([]byte, bool) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	f := s.st.files[s3Key]
	if f == nil || !f.uploaded {
		return nil, false
	}
	return bytes.Clone(f.content), true
}

// decodeMD5 reads an MD5 digest in hex or base64, the forms Alloy accepts.
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

// fileHandlers are this file's answers, by the contract's operationId.
func (s *Server) fileHandlers() map[string]handler {
	return map[string]handler{
		"Files.List":          s.listFiles,
		"Files.RequestUpload": s.requestUpload,
		"Files.Delete":        s.deleteFile,
	}
}
