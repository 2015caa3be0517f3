package memstore

// contactTables holds the contact package's rows.
type contactTables struct{}

func (t *contactTables) init() {}
