package classify

import (
	"strings"
	"testing"
)

func TestDescribe(t *testing.T) {
	rs := Reasons()
	if len(rs) != 36 {
		t.Fatalf("%d reasons, want 36", len(rs))
	}
	for _, r := range rs {
		t.Run(r.String(), func(t *testing.T) {
			info := Describe(r)
			if info.Reason != r {
				t.Errorf("Reason = %v", info.Reason)
			}
			if info.Meaning == "" || info.Hardness == "" || info.ActionNote == "" {
				t.Errorf("incomplete: %+v", info)
			}
			if !strings.HasPrefix(info.ActionNote, info.Action.String()) {
				t.Errorf("Action %v does not start ActionNote %q", info.Action, info.ActionNote)
			}
		})
	}
	tests := []struct {
		r        Reason
		hardness string
		side     Side
		action   Action
	}{
		{UserUnknown, "hard", SideRecipient, ActionSuppress},
		{HasMoved, "hard", SideRecipient, ActionUpdateAddress},
		{Delivered, "none", SideNone, ActionNone},
		{Feedback, "none (not a bounce)", SideNone, ActionSuppress},
		{Blocked, "soft", SideSender, ActionContactPostmaster},
		{SpamDetected, "soft", SideMessage, ActionFixContent},
		{Greylisted, "soft", SideTransient, ActionRetry},
		{OnHold, "soft", SideUnknown, ActionInvestigate},
	}
	for _, tt := range tests {
		info := Describe(tt.r)
		if info.Hardness != tt.hardness && !strings.HasPrefix(tt.hardness, info.Hardness) || info.Side != tt.side || info.Action != tt.action {
			t.Errorf("Describe(%v) = %q/%v/%v, want %q/%v/%v", tt.r, info.Hardness, info.Side, info.Action, tt.hardness, tt.side, tt.action)
		}
	}
	if got := Describe(numReasons); got.Meaning != "" || got.Reason != numReasons {
		t.Errorf("Describe(out of range) = %+v", got)
	}
}
