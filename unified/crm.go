package unified

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

// CRMAddress is an address of a CRM record. Its postal code is PostalCode,
// where AccountingAddress has ZipCode: the CRM pages write postalCode.
type CRMAddress struct {
	AddressType        string `json:"addressType,omitempty"` // e.g. "mailing", "main"
	Street1            string `json:"street1,omitempty"`
	Street2            string `json:"street2,omitempty"`
	City               string `json:"city,omitempty"`
	State              string `json:"state,omitempty"`
	CountrySubdivision string `json:"countrySubdivision,omitempty"`
	Country            string `json:"country,omitempty"` // e.g. "United States"
	PostalCode         string `json:"postalCode,omitempty"`
}

// EmailAddress is an email address of a CRM record.
type EmailAddress struct {
	EmailAddress     string `json:"emailAddress,omitempty"`
	EmailAddressType string `json:"emailAddressType,omitempty"` // e.g. "main"
}

// CRMAccount is a company in the CRM.
type CRMAccount struct {
	Record
	AccountName       string        `json:"accountName,omitempty"`
	AccountOwner      string        `json:"accountOwner,omitempty"` // the owner's name or id, e.g. "Gregg Mojica"
	Description       string        `json:"description,omitempty"`
	Industry          string        `json:"industry,omitempty"`
	Website           string        `json:"website,omitempty"`
	NumberOfEmployees int           `json:"numberOfEmployees,omitempty"`
	Addresses         []CRMAddress  `json:"addresses,omitempty"`
	PhoneNumbers      []PhoneNumber `json:"phoneNumbers,omitempty"`
	LastActivityAt    Timestamp     `json:"lastActivityAt,omitzero"`
}

// Contact is a person in the CRM.
type Contact struct {
	Record
	FirstName      string         `json:"firstName,omitempty"`
	LastName       string         `json:"lastName,omitempty"`
	Account        Ref            `json:"account,omitzero"` // the account's id or name
	Addresses      []CRMAddress   `json:"addresses,omitempty"`
	EmailAddresses []EmailAddress `json:"emailAddresses,omitempty"`
	PhoneNumbers   []PhoneNumber  `json:"phoneNumbers,omitempty"`
	// Email is the flat address Alloy's SDK docs send; the model's own is
	// EmailAddresses.
	Email          string    `json:"email,omitempty"`
	LastActivityAt Timestamp `json:"lastActivityAt,omitzero"`
}

// Lead is a prospective customer.
type Lead struct {
	Record
	LeadOwner      Ref            `json:"leadOwner,omitzero"`
	LeadSource     string         `json:"leadSource,omitempty"` // e.g. inbound, outbound, referral
	LeadTitle      string         `json:"leadTitle,omitempty"`
	Company        string         `json:"company,omitempty"`
	FirstName      string         `json:"firstName,omitempty"`
	LastName       string         `json:"lastName,omitempty"`
	Addresses      []CRMAddress   `json:"addresses,omitempty"`
	EmailAddresses []EmailAddress `json:"emailAddresses,omitempty"`
	PhoneNumbers   []PhoneNumber  `json:"phoneNumbers,omitempty"`
	// Email is the flat address Alloy's SDK docs send; the model's own is
	// EmailAddresses.
	Email string `json:"email,omitempty"`
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
	TaskSubject     string `json:"taskSubject,omitempty"`
	TaskContent     string `json:"taskContent,omitempty"`
	TaskOwner       Ref    `json:"taskOwner,omitzero"`
	TaskOpportunity Ref    `json:"taskOpportunity,omitzero"`
	TaskStatus      string `json:"taskStatus,omitempty"`
	CompletedDate   Date   `json:"completedDate,omitzero"`
	DueDate         Date   `json:"dueDate,omitzero"`
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
	CloseDate              Date      `json:"closeDate,omitzero"`
	LastActivityAt         Timestamp `json:"lastActivityAt,omitzero"`
}

// CRMUser is a user of the CRM (a sales rep). No page documents it; its
// fields are those Alloy's Python SDK docs send.
type CRMUser struct {
	Record
	UserFirstName string `json:"userFirstName,omitempty"`
	UserLastName  string `json:"userLastName,omitempty"`
	UserEmail     string `json:"userEmail,omitempty"`
}
