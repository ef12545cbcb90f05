package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseWhen reads a --since/--until value: a date (2026-11-23), an RFC 3339
// time, "today", "yesterday", or a duration back from now in days or hours
// ("7d", "36h"). Dates are midnight UTC. The zero time means "not set".
func parseWhen(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	switch s {
	case "today":
		return today, nil
	case "yesterday":
		return today.AddDate(0, 0, -1), nil
	case "now":
		return now, nil
	}
	if n, err := strconv.Atoi(strings.TrimSuffix(s, "d")); err == nil && strings.HasSuffix(s, "d") && n >= 0 {
		return today.AddDate(0, 0, -n), nil
	}
	if strings.HasSuffix(s, "h") {
		if d, err := time.ParseDuration(s); err == nil && d >= 0 {
			return now.Add(-d), nil
		}
	}
	for _, layout := range []string{"2006-01-02", time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read time %q (want 2026-11-23, an RFC 3339 time, today, yesterday, 7d or 36h)", s)
}
