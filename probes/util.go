package probes

// RecordValue is Report.Record plus the machine-readable Value, for attempts
// whose observation the suite compares (a count, an id, a path).
func RecordValue(r *Report, name string, err error, value, detail string) Attempt {
	r.Record(name, err, detail)
	a := &r.Attempts[len(r.Attempts)-1]
	a.Value = value
	return *a
}
