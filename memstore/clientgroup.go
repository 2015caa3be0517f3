package memstore

// clientgroupTables holds the clientgroup package's rows.
type clientgroupTables struct{}

func (t *clientgroupTables) init() {}
