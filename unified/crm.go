package unified

import "encoding/json"

// CRM is the unified CRM API (Salesforce, HubSpot, Pipedrive, ...).
type CRM struct {
	Accounts      *Resource[CRMAccount]
	Contacts      *Resource[Contact]
	Leads         *Resource[Lead]
	Notes         *Resource[Note]
	Tasks         *Resource[Task]
	Opportunities *Resource[Opportunity]
	Users         *Resource[CRMUser]
}

func newCRM(u *Client) *CRM {
	return &CRM{
		Accounts:      &Resource[CRMAccount]{u.resource("CRM", "Accounts")},
		Contacts:      &Resource[Contact]{u.resource("CRM", "Contacts")},
		Leads:         &Resource[Lead]{u.resource("CRM", "Leads")},
		Notes:         &Resource[Note]{u.resource("CRM", "Notes")},
		Tasks:         &Resource[Task]{u.resource("CRM", "Tasks")},
		Opportunities: &Resource[Opportunity]{u.resource("CRM", "Opportunities")},
		Users:         &Resource[CRMUser]{u.resource("CRM", "Users")},
	}
}

// contactInfo holds the lists of addresses, emails and phones that CRM
// records carry; their item shapes differ by provider.
type contactInfo struct {
	Addresses      json.RawMessage `json:"addresses,omitempty"`
	EmailAddresses json.RawMessage `json:"emailAddresses,omitempty"`
	PhoneNumbers   json.RawMessage `json:"phoneNumbers,omitempty"`
}

// CRMAccount is a company in the CRM.
type CRMAccount struct {
	Record
	AccountName       string          `json:"accountName,omitempty"`
	Description       string          `json:"description,omitempty"`
	Industry          string          `json:"industry,omitempty"`
	Website           string          `json:"website,omitempty"`
	NumberOfEmployees int             `json:"numberOfEmployees,omitempty"`
	Addresses         json.RawMessage `json:"addresses,omitempty"`
	PhoneNumbers      json.RawMessage `json:"phoneNumbers,omitempty"`
	LastActivityAt    Timestamp       `json:"lastActivityAt,omitzero"`
}

// Contact is a person in the CRM.
type Contact struct {
	Record
	FirstName      string    `json:"firstName,omitempty"`
	LastName       string    `json:"lastName,omitempty"`
	Account        Ref       `json:"account,omitzero"`
	LastActivityAt Timestamp `json:"lastActivityAt,omitzero"`
	contactInfo
}

// Lead is a prospective customer.
type Lead struct {
	Record
	LeadOwner  Ref    `json:"leadOwner,omitzero"`
	LeadSource string `json:"leadSource,omitempty"`
	LeadTitle  string `json:"leadTitle,omitempty"`
	Company    string `json:"company,omitempty"`
	FirstName  string `json:"firstName,omitempty"`
	LastName   string `json:"lastName,omitempty"`
	contactInfo
}

// Note is a note attached to a contact, account or opportunity.
type Note struct {
	Record
	NoteOwner       Ref    `json:"noteOwner,omitzero"`
	NoteTitle       string `json:"noteTitle,omitempty"`
	NoteContent     string `json:"noteContent,omitempty"`
	NoteContact     Ref    `json:"noteContact,omitzero"`
	NoteAccount     Ref    `json:"noteAccount,omitzero"`
	NoteOpportunity Ref    `json:"noteOpportunity,omitzero"`
}

// Task is a to-do in the CRM.
type Task struct {
	Record
	TaskSubject     string    `json:"taskSubject,omitempty"`
	TaskContent     string    `json:"taskContent,omitempty"`
	TaskOwner       Ref       `json:"taskOwner,omitzero"`
	TaskOpportunity Ref       `json:"taskOpportunity,omitzero"`
	TaskStatus      string    `json:"taskStatus,omitempty"`
	CompletedDate   Timestamp `json:"completedDate,omitzero"`
	DueDate         Timestamp `json:"dueDate,omitzero"`
}

// Opportunity is a deal in the pipeline.
type Opportunity struct {
	Record
	OpportunityName        string    `json:"opportunityName,omitempty"`
	OpportunityDescription string    `json:"opportunityDescription,omitempty"`
	Amount                 Decimal   `json:"amount,omitzero"`
	OpportunityOwner       Ref       `json:"opportunityOwner,omitzero"`
	OpportunityAccount     Ref       `json:"opportunityAccount,omitzero"`
	OpportunityStage       string    `json:"opportunityStage,omitempty"`
	OpportunityStatus      string    `json:"opportunityStatus,omitempty"`
	CloseDate              Timestamp `json:"closeDate,omitzero"`
	LastActivityAt         Timestamp `json:"lastActivityAt,omitzero"`
}

// CRMUser is a user of the CRM (a sales rep). Alloy's documentation lists
// no fields beyond the common ones; the rest is in Raw.
type CRMUser struct {
	Record
}
