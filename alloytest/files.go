package alloytest

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
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

// ---- the store's files

// fileOwnerLocked resolves who a files call acts for: the user (id or
// username) it names, or the account ("") when it names none. prefix
// starts the keys of the owner's files: the user's id, or teamID.
func (st *store) fileOwnerLocked(userIDOrName, teamID string) (owner, prefix string, err error) {
	u, err := st.optionalUserLocked(userIDOrName)
	switch {
	case err != nil:
		return "", "", err
	case u == nil:
		return "", teamID, nil
	}
	return u.ID, u.ID, nil
}

// requestUpload issues a presigned URL's signature for a file of the
// caller (see fileOwnerLocked): kind "existing", with the held file's key,
// when they already hold one with this MD5 (deduplication), else "new"
// with the key <prefix>_<filename>.
func (st *store) requestUpload(userIDOrName, teamID, filename, mimeType string, sum []byte) (kind, key, sig string, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	owner, prefix, err := st.fileOwnerLocked(userIDOrName, teamID)
	if err != nil {
		return "", "", "", err
	}
	kind, key = "new", prefix+"_"+filename
	for _, f := range st.files {
		if f.owner == owner && f.uploaded && bytes.Equal(f.md5, sum) {
			kind, key = "existing", f.s3Key
			break
		}
	}
	if kind == "new" && st.files[key] == nil {
		st.files[key] = &storedFile{owner: owner, s3Key: key, filename: filename}
	}
	sig = randomHex(16)
	st.presigned[sig] = presigned{s3Key: key, mimeType: mimeType, md5: sum, expires: time.Now().Add(presignedTTL)}
	return kind, key, sig, nil
}

// s3Failure is an answer of the storage host, in S3's words.
type s3Failure struct {
	status    int
	code, msg string
}

func (f *s3Failure) Error() string { return "alloytest: " + f.code + ": " + f.msg }

// upload stores the bytes of a file whose URL (sig) is signed for key and
// unexpired, when contentType and contentMD5 are the ones signed and the
// bytes match.
func (st *store) upload(sig, key, contentType, contentMD5 string, body []byte) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	p, ok := st.presigned[sig]
	switch {
	case !ok || p.s3Key != key:
		return &s3Failure{http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided"}
	case time.Now().After(p.expires):
		return &s3Failure{http.StatusForbidden, "AccessDenied", "Request has expired"}
	case contentType != p.mimeType || contentMD5 != base64.StdEncoding.EncodeToString(p.md5):
		return &s3Failure{http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided: check Content-Type and Content-MD5"}
	}
	if sum := md5.Sum(body); !bytes.Equal(sum[:], p.md5) {
		return &s3Failure{http.StatusBadRequest, "BadDigest", "The Content-MD5 you specified did not match what we received"}
	}
	f := st.files[p.s3Key]
	if f == nil { // deleted since the URL was issued
		return &s3Failure{http.StatusForbidden, "AccessDenied", "Access Denied"}
	}
	f.content, f.mimeType, f.md5 = bytes.Clone(body), p.mimeType, p.md5
	f.modified, f.uploaded = time.Now().UTC().Truncate(time.Second), true
	return nil
}

// fileInfo is what a list of files shows of one.
type fileInfo struct {
	s3Key, filename string
	size            int
	modified        time.Time
}

// ownFiles returns the caller's uploaded files (see fileOwnerLocked), by
// key.
func (st *store) ownFiles(userIDOrName, teamID string) ([]fileInfo, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	owner, _, err := st.fileOwnerLocked(userIDOrName, teamID)
	if err != nil {
		return nil, err
	}
	var out []fileInfo
	for _, f := range st.files {
		if f.owner == owner && f.uploaded {
			out = append(out, fileInfo{f.s3Key, f.filename, len(f.content), f.modified})
		}
	}
	slices.SortFunc(out, func(a, b fileInfo) int { return strings.Compare(a.s3Key, b.s3Key) })
	return out, nil
}

// deleteFile deletes one of the caller's files; another's is not found
// ("Delete endpoint validates file ownership before deletion").
func (st *store) deleteFile(userIDOrName, teamID, key string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	owner, _, err := st.fileOwnerLocked(userIDOrName, teamID)
	if err != nil {
		return err
	}
	f := st.files[key]
	if f == nil || f.owner != owner || !f.uploaded {
		return fail(http.StatusNotFound, "File not found")
	}
	delete(st.files, key) // its presigned URLs now answer AccessDenied
	return nil
}

// deleteFilesLocked deletes a user's files and their presigned URLs.
func (st *store) deleteFilesLocked(userID string) {
	for key, f := range st.files {
		if f.owner == userID {
			delete(st.files, key)
		}
	}
	for sig, p := range st.presigned {
		if st.files[p.s3Key] == nil && strings.HasPrefix(p.s3Key, userID+"_") {
			delete(st.presigned, sig)
		}
	}
}

// fileContent returns a copy of the bytes uploaded as the file key.
func (st *store) fileContent(key string) ([]byte, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	f := st.files[key]
	if f == nil || !f.uploaded {
		return nil, false
	}
	return bytes.Clone(f.content), true
}

// ---- handlers

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
	kind, key, sig, err := s.st.requestUpload(r.Header.Get(asUserHeader), s.teamID, in.Filename, in.MimeType, sum)
	if err != nil {
		writeFailure(w, err)
		return
	}
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
	err = s.st.upload(r.URL.Query().Get("X-Amz-Signature"), req.params["s3Key"], r.Header.Get("Content-Type"), r.Header.Get("Content-MD5"), body)
	var f *s3Failure
	if errors.As(err, &f) {
		writeS3Error(w, f.status, f.code, f.msg)
		return
	}
	w.Header().Set("ETag", `"`+hex.EncodeToString(md5Of(body))+`"`)
	w.WriteHeader(http.StatusOK)
}

func md5Of(b []byte) []byte {
	sum := md5.Sum(b)
	return sum[:]
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
	files, err := s.st.ownFiles(r.Header.Get(asUserHeader), s.teamID)
	if err != nil {
		writeFailure(w, err)
		return
	}
	out := []map[string]any{}
	for _, f := range files {
		out = append(out, map[string]any{"s3Key": f.s3Key, "filename": f.filename, "size": f.size, "lastModified": f.modified.Format(time.RFC3339)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"files": out})
}

// deleteFile deletes one of the caller's files.
func (s *Server) deleteFile(w http.ResponseWriter, r *http.Request, req *request) {
	if err := s.st.deleteFile(r.Header.Get(asUserHeader), s.teamID, req.params["s3Key"]); err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "message": "File deleted successfully"})
}

// FileContent returns the bytes uploaded as the file s3Key, for tests that
// check what arrived.
func (s *Server) FileContent(s3Key string) ([]byte, bool) { return s.st.fileContent(s3Key) }

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
