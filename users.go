package alloy

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// UsersService manages the end users of your product: one Alloy user per
// tenant, holding that tenant's credentials and installed integrations.
// Wherever a method takes a userID, Alloy also accepts the user's username.
type UsersService service

// User is an Alloy end user.
type User struct {
	ID       string `json:"userId"`             // Alloy's id, a 24-hex ObjectId
	Username string `json:"username,omitempty"` // unique in the account; may be absent on older users
	FullName string `json:"fullName,omitempty"` // display name
}

// UserCreateParams are the fields of a new user.
type UserCreateParams struct {
	Username string `json:"username"`           // required; unique in the account, an email is usual
	FullName string `json:"fullName,omitempty"` // optional display name
}

// UserUpdateParams are the fields to change; nil fields are left as they are.
type UserUpdateParams struct {
	Username *string `json:"username,omitempty"` // new username; must stay unique and not be empty
	FullName *string `json:"fullName,omitempty"` // new display name; Ptr("") clears it
}

// Validate reports, as an ErrInvalidArgument, what the SDK refuses to send
// as a new user: a blank username, or one with a control character. The
// Embedded and the Unified Users services both check it before sending.
func (p UserCreateParams) Validate() error {
	if reason := p.problem(); reason != "" {
		return invalidArg("create user", "%s", reason)
	}
	return nil
}

func (p UserCreateParams) problem() string {
	switch {
	case strings.TrimSpace(p.Username) == "":
		return "username is required"
	case strings.ContainsFunc(p.Username, isControl):
		return "username contains a control character"
	}
	return ""
}

// Validate reports, as an ErrInvalidArgument, an update that changes
// nothing or sets a blank username or one with a control character.
func (p UserUpdateParams) Validate() error {
	switch {
	case p.Username == nil && p.FullName == nil:
		return invalidArg("update user", "nothing to update: set Username or FullName")
	case p.Username != nil && strings.TrimSpace(*p.Username) == "":
		return invalidArg("update user", "username cannot be set to empty")
	case p.Username != nil && strings.ContainsFunc(*p.Username, isControl):
		return invalidArg("update user", "username contains a control character")
	}
	return nil
}

// UserListParams filters Users.List.
type UserListParams struct {
	// ParentWorkflowID restricts the list to users of one parent workflow.
	ParentWorkflowID string
}

// BatchResult is Alloy's answer to a batch create. Alloy creates every
// valid user of the batch and answers 200 even when some are not: those it
// refused (a missing username, a username already taken) come back in
// InvalidUsers, as they were sent, and were not created.
// (https://alloy-docs.netlify.app/reference/embedded/batch-create-users)
type BatchResult struct {
	Message string `json:"message"` // "success"
	// InvalidUsers are the users of the batch Alloy did not create; empty
	// when it created them all.
	InvalidUsers []InvalidUser `json:"invalidUsers"`
}

// InvalidUser is a user of a batch that Alloy refused, with the fields it
// was sent with.
type InvalidUser struct {
	Username string `json:"username,omitempty"`
	FullName string `json:"fullName,omitempty"`
}

// WorkflowUser is a user who installed a parent workflow.
type WorkflowUser struct {
	User
	WorkflowActive   bool      `json:"workflowActive"`             // whether the user's copy runs
	InstalledVersion *int      `json:"installedVersion,omitempty"` // nil when not reported
	InstalledAt      Timestamp `json:"installedAt"`                // zero when absent or unparsable
}

// maxBatchUsers is Alloy's limit on one batch create.
const maxBatchUsers = 1000

// userBody decodes a user returned bare (as documented) or inside "data".
// Its fields are User's, spelled out: encoding/json decodes the fields of
// an embedded struct markedly slower (about 0.7 µs more per user).
type userBody struct {
	ID       string `json:"userId"`
	Username string `json:"username"`
	FullName string `json:"fullName"`
	Data     *User  `json:"data"`
}

// user returns the decoded user, or an error for a response without one.
func (b *userBody) user(op string) (*User, error) {
	u := b.Data
	if u == nil {
		u = &User{ID: b.ID, Username: b.Username, FullName: b.FullName}
	}
	if u.ID == "" {
		return nil, fmt.Errorf("alloy: %s: response has no userId", op)
	}
	return u, nil
}

// Create creates an end user. POST /users
//
// The returned User has the ID Alloy assigned and the username and full
// name that were sent. A duplicate username fails with an *Error.
func (s *UsersService) Create(ctx context.Context, params UserCreateParams, opts ...RequestOption) (*User, error) {
	if err := params.Validate(); err != nil {
		return nil, err
	}
	var out struct {
		UserID string `json:"userId"`
	}
	if err := s.client.send(ctx, call{op: "Users.Create", body: params, out: &out}, opts); err != nil {
		return nil, err
	}
	if out.UserID == "" {
		return nil, fmt.Errorf("alloy: Users.Create: response has no userId")
	}
	return &User{ID: out.UserID, Username: params.Username, FullName: params.FullName}, nil
}

// Ensure returns the user with params.Username, creating it when there is
// none: a get-or-create that never creates twice and never reports as an
// error a create that happened. created is true only when this call's own
// create is known to have made the user.
//
// It reads the user by username first (GET /users/{userId} takes a username
// too) and creates only on a 404. When the create is refused as a
// duplicate (409, or a 400 or 422 while the user exists: Alloy does not
// document the status it answers a duplicate with), or may have been
// applied although it failed (ErrOutcomeUnknown: a 5xx after sending, a
// lost connection, a timeout), Ensure reads the user again instead of
// sending the create again, and returns it with created false. Only when
// that read finds no user after a conflict, an ambiguous failure or a rate
// limit is the create sent again, within the client's retry budget
// (WithMaxRetries); a 400 or 422 for a user that does not exist is
// returned as it is.
//
// A user that GET /users/{userId} finds under another name (the username
// asked for is some user's id) is not taken for it. A create whose answer
// could not be read (a 2xx cut off, too large or not JSON, a 408, a
// redirect) counts as one that may have been applied.
//
// It relies on usernames being unique, as Alloy's authentication guide
// requires them to be ("a unique identifier for each user", typically an
// email). Its params are checked like Create's.
func (s *UsersService) Ensure(ctx context.Context, params UserCreateParams, opts ...RequestOption) (u *User, created bool, err error) {
	if err := params.Validate(); err != nil {
		return nil, false, err
	}
	found, err := s.byUsername(ctx, params.Username, opts)
	for attempt := 0; ; attempt++ {
		switch {
		case err == nil:
			return found, false, nil
		case !errors.Is(err, ErrNotFound):
			return nil, false, err
		}
		u, cerr := s.Create(ctx, params, opts...)
		if cerr == nil {
			return u, true, nil
		}
		duplicate := errors.Is(cerr, ErrConflict) || errors.Is(cerr, ErrBadRequest) || errors.Is(cerr, ErrValidation)
		if !duplicate && !errors.Is(cerr, ErrOutcomeUnknown) && !errors.Is(cerr, ErrRateLimited) {
			return nil, false, cerr
		}
		// The user may exist now, made by this create or another one: read
		// it rather than create again.
		found, err = s.byUsername(ctx, params.Username, opts)
		if errors.Is(err, ErrNotFound) && (duplicate && !errors.Is(cerr, ErrConflict) || attempt >= s.client.cfg.maxRetries) {
			return nil, false, cerr // refused for another reason, or out of budget
		}
		// Found: returned above. Not found after a conflict, an ambiguous
		// failure or a rate limit: the create did not happen; try again.
	}
}

// byUsername reads the user named username. GET /users/{userId} takes an id
// or a username, so a username that is another user's id finds that user:
// a user whose username is not the one asked for is not found.
func (s *UsersService) byUsername(ctx context.Context, username string, opts []RequestOption) (*User, error) {
	u, err := s.Get(ctx, username, opts...)
	if err == nil && !strings.EqualFold(u.Username, username) {
		return nil, fmt.Errorf("alloy: Users.Ensure: the username names no user (it is another user's id): %w", ErrNotFound)
	}
	return u, err
}

// CreateBatch creates users, 1000 (Alloy's limit) per request: more are
// sent as consecutive chunks of at most 1000, in order. POST /users/batch
//
// A batch is not all or nothing: Alloy creates the valid users and lists
// the others in InvalidUsers (a nil error does not mean every user was
// created); the result merges every chunk's. Only when no user of a chunk
// is valid does Alloy answer 400 ("No valid users provided"), an *Error
// matching ErrBadRequest. A user without a username is refused here,
// before anything is sent.
//
// When a chunk fails, the chunks after it are not sent, and the error is a
// *BatchError naming the chunk and the users it held, with the merged
// result of the chunks before it (also returned as the result). Like
// Create, a chunk is not retried on 5xx or timeouts (errors.Is(err,
// ErrOutcomeUnknown) then holds): check which of its users exist before
// sending them again.
func (s *UsersService) CreateBatch(ctx context.Context, users []UserCreateParams, opts ...RequestOption) (*BatchResult, error) {
	if len(users) == 0 {
		return nil, invalidArg("create users", "no users given")
	}
	for i, u := range users {
		if reason := u.problem(); reason != "" {
			return nil, invalidArg("create users", "users[%d]: %s", i, reason)
		}
	}
	done := &BatchResult{}
	for start, chunk := 0, 0; start < len(users); start, chunk = start+maxBatchUsers, chunk+1 {
		part := users[start:min(start+maxBatchUsers, len(users))]
		body := struct {
			Users []UserCreateParams `json:"users"`
		}{part}
		var out BatchResult
		if err := s.client.send(ctx, call{op: "Users.CreateBatch", body: body, out: &out}, opts); err != nil {
			if len(users) <= maxBatchUsers {
				return nil, err // one request: its error as it is
			}
			return done, &BatchError{Chunk: chunk, First: start, Users: slices.Clone(part), Done: done, Err: err}
		}
		done.Message = out.Message
		done.InvalidUsers = append(done.InvalidUsers, out.InvalidUsers...)
	}
	return done, nil
}

// BatchError is a chunk of a CreateBatch of more than 1000 users that
// failed. The chunks before it were created (Done); the ones after it were
// not sent. Its text gives the chunk's position, never the usernames.
type BatchError struct {
	Chunk int                // the failed chunk, from 0
	First int                // the index, in the users given, of the chunk's first user
	Users []UserCreateParams // the chunk's users
	Done  *BatchResult       // the merged result of the chunks before it
	Err   error              // why the chunk failed, e.g. an *Error
}

// Error names the failed chunk, the users it held by index, and its cause.
func (e *BatchError) Error() string {
	return fmt.Sprintf("alloy: Users.CreateBatch: chunk %d (users %d to %d) failed, %d chunk(s) before it created: %v",
		e.Chunk, e.First, e.First+len(e.Users)-1, e.Chunk, e.Err)
}

// Unwrap returns the chunk's error, so errors.Is and errors.As see it.
func (e *BatchError) Unwrap() error { return e.Err }

// Get returns one user by id or username. GET /users/{userId}
func (s *UsersService) Get(ctx context.Context, userID string, opts ...RequestOption) (*User, error) {
	var out userBody
	if err := s.client.send(ctx, call{op: "Users.Get", path: []string{userID}, out: &out}, opts); err != nil {
		return nil, err
	}
	return out.user("Users.Get")
}

// List returns every user of the account, or those of one parent workflow.
// params may be nil. GET /users
func (s *UsersService) List(ctx context.Context, params *UserListParams, opts ...RequestOption) ([]User, error) {
	var q url.Values
	if params != nil && params.ParentWorkflowID != "" {
		q = url.Values{"parentWorkflowId": {params.ParentWorkflowID}}
	}
	return inData[[]User](ctx, s.client, call{op: "Users.List", query: q}, opts)
}

// Update changes a user's username or full name. PUT /users/{userId}
func (s *UsersService) Update(ctx context.Context, userID string, params UserUpdateParams, opts ...RequestOption) (*User, error) {
	if err := params.Validate(); err != nil {
		return nil, err
	}
	var out userBody
	if err := s.client.send(ctx, call{op: "Users.Update", path: []string{userID}, body: params, out: &out}, opts); err != nil {
		return nil, err
	}
	return out.user("Users.Update")
}

// Delete deletes a user. Its execution logs survive: use DeleteLogs as well
// for a GDPR/CCPA erasure. DELETE /users/{userId}
func (s *UsersService) Delete(ctx context.Context, userID string, opts ...RequestOption) error {
	return s.client.send(ctx, call{op: "Users.Delete", path: []string{userID}}, opts)
}

// ListByWorkflow returns the users who installed a parent workflow, with
// whether it is active for them. GET /workflows/{workflowId}/users
func (s *UsersService) ListByWorkflow(ctx context.Context, workflowID string, opts ...RequestOption) ([]WorkflowUser, error) {
	return inData[[]WorkflowUser](ctx, s.client, call{op: "Users.ListByWorkflow", path: []string{workflowID}}, opts)
}

// DeleteLogs irreversibly deletes a user's execution logs.
// DELETE /users/{userId}/logs?userId=
//
// The user goes in the path and, as Alloy's page requires, in the query
// too.
func (s *UsersService) DeleteLogs(ctx context.Context, userID string, opts ...RequestOption) error {
	return s.client.send(ctx, call{op: "Users.DeleteLogs", path: []string{userID}, params: []param{required("userId", userID)}}, opts)
}
