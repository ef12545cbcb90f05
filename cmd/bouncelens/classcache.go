package main

import (
	"bouncelens/classify"
	"bouncelens/parser"
)

// classifier classifies events through a cache keyed by everything the
// classifier looks at; the cache is dropped when it reaches its size.
type classifier struct {
	max   int
	cache map[classify.Input]classify.Result
}

func newClassifier(max int) *classifier {
	return &classifier{max: max, cache: make(map[classify.Input]classify.Result)}
}

func (c *classifier) classify(ev *parser.Event) classify.Result {
	in := classifyInput(ev)
	if in.Delivered {
		// Deliveries classify faster than a cache lookup of their texts,
		// which are all different ("queued as ID").
		return classify.Classify(in)
	}
	if r, ok := c.cache[in]; ok {
		return r
	}
	r := classify.Classify(in)
	if len(c.cache) >= c.max {
		clear(c.cache)
	}
	c.cache[in] = r
	return r
}

// classifyInput is what the classifier needs of an event.
func classifyInput(ev *parser.Event) classify.Input {
	return classify.Input{
		Code:      ev.Code,
		Enhanced:  ev.Enhanced,
		Text:      ev.Text,
		Command:   ev.Command,
		RemoteMTA: ev.RemoteMTA,
		Forward:   ev.Forward,
		Delivered: ev.Status == parser.StatusSent,
		Deferred:  ev.Status == parser.StatusDeferred,
		Expired:   ev.Status == parser.StatusExpired,
		Failed:    ev.Status == parser.StatusBounced || ev.Status == parser.StatusRejected,
		Feedback:  ev.Status == parser.StatusComplained,
		AutoReply: ev.Status == parser.StatusAutoReplied,
	}
}
