package report

import (
	"fmt"
	"slices"
	"strings"
)

// CountSections are the IDs of the sections Build computes from daily
// counts, in Build's order.
var CountSections = []string{"summary", "by_reason", "by_domain", "by_code", "by_day"}

// TrafficSections are the IDs of the sections Traffic computes from
// events, in the order of Traffic.Tables.
var TrafficSections = []string{
	"totals", "by_hour", "traffic_by_day", "domains_by_deferrals", "domains_by_bounces",
	"deferrals", "rejects", "senders", "warnings",
}

// DefaultSections are the sections a report shows when none is asked for,
// in the order shown: the pflogsumm set. by_day is left out, as
// traffic_by_day shows the same and more.
var DefaultSections = []string{
	"totals", "summary", "traffic_by_day", "by_hour",
	"by_domain", "domains_by_deferrals", "domains_by_bounces",
	"by_reason", "by_code", "deferrals", "rejects", "senders", "warnings",
}

// SectionIDs returns every section ID: DefaultSections, then the others.
func SectionIDs() []string {
	ids := slices.Clone(DefaultSections)
	for _, id := range append(slices.Clone(CountSections), TrafficSections...) {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// CheckSections returns an error naming the first of ids that is not a
// section ID, with the list of known ones.
func CheckSections(ids []string) error {
	known := SectionIDs()
	for _, id := range ids {
		if !slices.Contains(known, id) {
			return fmt.Errorf("unknown section %q (want one of %s)", id, strings.Join(known, ", "))
		}
	}
	return nil
}

// NeedsEvents reports whether any of ids is a Traffic section, which
// needs every event of the range (the count sections need only counts).
func NeedsEvents(ids []string) bool {
	for _, id := range ids {
		if slices.Contains(TrafficSections, id) {
			return true
		}
	}
	return false
}

// NeedsCounts reports whether any of ids is a section Build computes.
func NeedsCounts(ids []string) bool {
	for _, id := range ids {
		if slices.Contains(CountSections, id) {
			return true
		}
	}
	return false
}
