package assist

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"fieldnotes/app/notebook"
)

// Usage is token usage as the endpoint reports it.
type Usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
	// Requests counts HTTP requests that returned an answer.
	Requests int `json:"requests"`
}

// Add sums two usages.
func (u Usage) Add(o Usage) Usage {
	return Usage{u.PromptTokens + o.PromptTokens, u.CompletionTokens + o.CompletionTokens, u.TotalTokens + o.TotalTokens, u.Requests + o.Requests}
}

// transientError is a failure worth retrying later: a timeout, 429 or 5xx.
type transientError struct {
	reason     string
	retryAfter time.Duration // from the server, 0 if none
	cause      error
}

func (e *transientError) Error() string { return e.reason }
func (e *transientError) Unwrap() error { return e.cause }

// unreachableError means no HTTP answer at all: offline, DNS, refused.
type unreachableError struct{ cause error }

func (e *unreachableError) Error() string { return "the AI endpoint cannot be reached" }
func (e *unreachableError) Unwrap() error { return e.cause }

// maxRetryAfter caps how long a server may ask us to wait.
const maxRetryAfter = 10 * time.Minute

// responseHint carries what go-openai does not surface on errors: the HTTP
// status and Retry-After header of the last response.
type responseHint struct {
	status     int
	retryAfter string
}

type hintKey struct{}

// hintingDoer records each response's status and Retry-After into the
// request context's responseHint.
type hintingDoer struct{ inner *http.Client }

func (d hintingDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.inner.Do(req)
	if h, ok := req.Context().Value(hintKey{}).(*responseHint); ok && resp != nil {
		h.status = resp.StatusCode
		h.retryAfter = resp.Header.Get("Retry-After")
	}
	return resp, err
}

// completion is the raw answer of one request.
type completion struct {
	Answer string
	Usage  Usage
}

// caller sends one prompt to the endpoint, streaming or not.
type caller struct {
	cfg  Config
	http *http.Client
	log  *slog.Logger
}

func (c caller) client() *openai.Client {
	oc := openai.DefaultConfig(c.cfg.APIKey)
	if c.cfg.AzureAPIVersion != "" {
		oc = openai.DefaultAzureConfig(c.cfg.APIKey, c.cfg.BaseURL)
		oc.APIVersion = c.cfg.AzureAPIVersion
		oc.AzureModelMapperFunc = func(model string) string { return model } // Model is the deployment name
	}
	oc.BaseURL = c.cfg.BaseURL
	oc.HTTPClient = hintingDoer{inner: c.http}
	return openai.NewClientWithConfig(oc)
}

// chatRequest is the exact request body for a prompt (golden-tested).
func chatRequest(cfg Config, p prompt, stream bool, retryNote string) openai.ChatCompletionRequest {
	msgs := []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleSystem, Content: p.System},
		{Role: openai.ChatMessageRoleUser, Content: p.User},
	}
	if retryNote != "" {
		msgs = append(msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: retryNote})
	}
	req := openai.ChatCompletionRequest{Model: cfg.Model, Messages: msgs, Stream: stream}
	if stream {
		req.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	}
	if cfg.UseTools {
		req.Tools = []openai.Tool{{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
			Name: p.SchemaName, Description: "Record the answer.", Strict: true, Parameters: p.Schema}}}
		req.ToolChoice = openai.ToolChoice{Type: openai.ToolTypeFunction, Function: openai.ToolFunction{Name: p.SchemaName}}
	} else {
		req.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{Name: p.SchemaName, Schema: p.Schema, Strict: true}}
	}
	return req
}

const retryNote = "Your previous answer could not be used: it was not complete JSON matching the schema. Answer again with only the JSON object."

// complete runs one attempt under the configured timeout and classifies any
// failure (transient, unreachable, malformed, permanent, cancelled).
func (c caller) complete(ctx context.Context, p prompt, retry bool, progress func(received int)) (completion, error) {
	hint := &responseHint{}
	attemptCtx, cancel := context.WithTimeout(context.WithValue(ctx, hintKey{}, hint), c.cfg.RequestTimeout)
	defer cancel()
	note := ""
	if retry {
		note = retryNote
	}
	req := chatRequest(c.cfg, p, !c.cfg.NoStream, note)
	var out completion
	var err error
	if c.cfg.NoStream {
		out, err = c.once(attemptCtx, req)
	} else {
		out, err = c.stream(attemptCtx, req, progress)
	}
	if err != nil {
		return completion{Usage: out.Usage}, classify(ctx, err, hint)
	}
	return out, nil
}

func (c caller) once(ctx context.Context, req openai.ChatCompletionRequest) (completion, error) {
	resp, err := c.client().CreateChatCompletion(ctx, req)
	if err != nil {
		return completion{}, err
	}
	usage := fromOpenAIUsage(resp.Usage)
	if len(resp.Choices) == 0 {
		return completion{Usage: usage}, malformed("the answer has no choices")
	}
	ch := resp.Choices[0]
	if err := checkFinish(ch.FinishReason); err != nil {
		return completion{Usage: usage}, err
	}
	answer := ch.Message.Content
	if len(ch.Message.ToolCalls) > 0 {
		answer = ch.Message.ToolCalls[0].Function.Arguments
	}
	return completion{Answer: answer, Usage: usage}, nil
}

func (c caller) stream(ctx context.Context, req openai.ChatCompletionRequest, progress func(int)) (completion, error) {
	st, err := c.client().CreateChatCompletionStream(ctx, req)
	if err != nil {
		return completion{}, err
	}
	defer st.Close()
	var content strings.Builder
	toolArgs := map[int]*strings.Builder{}
	var finish openai.FinishReason
	var usage Usage
	for {
		chunk, err := st.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return completion{}, err
		}
		if chunk.Usage != nil {
			usage = fromOpenAIUsage(*chunk.Usage)
		}
		for _, ch := range chunk.Choices {
			if ch.Index != 0 {
				continue
			}
			content.WriteString(ch.Delta.Content)
			for _, tc := range ch.Delta.ToolCalls {
				appendToolArgs(toolArgs, tc)
			}
			if ch.FinishReason != "" {
				finish = ch.FinishReason
			}
		}
		if progress != nil {
			progress(content.Len() + toolArgsLen(toolArgs))
		}
	}
	if err := checkFinish(finish); err != nil {
		return completion{Usage: usage}, err
	}
	answer := content.String()
	if b, ok := toolArgs[0]; ok && b.Len() > 0 {
		answer = b.String()
	}
	return completion{Answer: answer, Usage: usage}, nil
}

func appendToolArgs(args map[int]*strings.Builder, tc openai.ToolCall) {
	i := 0
	if tc.Index != nil {
		i = *tc.Index
	}
	if args[i] == nil {
		args[i] = &strings.Builder{}
	}
	args[i].WriteString(tc.Function.Arguments)
}

func toolArgsLen(args map[int]*strings.Builder) int {
	n := 0
	for _, b := range args {
		n += b.Len()
	}
	return n
}

func checkFinish(r openai.FinishReason) error {
	switch r {
	case openai.FinishReasonLength:
		return malformed("the answer was cut off (token limit)")
	case openai.FinishReasonContentFilter:
		return malformed("the answer was withheld by the endpoint's content filter")
	}
	return nil
}

func fromOpenAIUsage(u openai.Usage) Usage {
	return Usage{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, TotalTokens: u.TotalTokens, Requests: 1}
}

// classify turns a client error into one of this package's kinds.
func classify(parent context.Context, err error, hint *responseHint) error {
	if parent.Err() != nil {
		return parent.Err()
	}
	if errors.Is(err, errMalformed) {
		return err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &transientError{reason: "the AI endpoint did not answer in time", cause: err}
	}
	if status := httpStatus(err); status != 0 {
		return byStatus(status, err, hint)
	}
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) { // an error event inside a stream
		return &transientError{reason: "the AI endpoint reported an error while answering", cause: err}
	}
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &syntaxErr) || errors.As(err, &typeErr) || errors.Is(err, openai.ErrTooManyEmptyStreamMessages) {
		return malformed("the endpoint's reply was not valid JSON: %v", err)
	}
	var netErr net.Error
	var urlErr *url.Error
	isNetwork := errors.As(err, &netErr) || errors.As(err, &urlErr)
	switch {
	case isNetwork && hint.status == 0:
		return &unreachableError{cause: err}
	case isNetwork:
		return &transientError{reason: "the connection to the AI endpoint broke while it was answering", cause: err}
	case hint.status == 0: // the client refused before sending (e.g. a model limitation it knows)
		return notebook.Wrap(notebook.Invalid, err, "the AI request could not be made with these settings: %s", oneLine(err.Error(), 200))
	}
	return malformed("the endpoint's reply could not be read: %v", err)
}

func httpStatus(err error) int {
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) && apiErr.HTTPStatusCode != 0 {
		return apiErr.HTTPStatusCode
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		return reqErr.HTTPStatusCode
	}
	return 0
}

func byStatus(status int, err error, hint *responseHint) error {
	switch {
	case status == http.StatusTooManyRequests:
		return &transientError{reason: "the AI endpoint is rate limiting (HTTP 429)", retryAfter: parseRetryAfter(hint.retryAfter, time.Now()), cause: err}
	case status == http.StatusRequestTimeout || status >= 500:
		return &transientError{reason: fmt.Sprintf("the AI endpoint had a problem (HTTP %d)", status), retryAfter: parseRetryAfter(hint.retryAfter, time.Now()), cause: err}
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return notebook.Wrap(notebook.Forbidden, err, "the AI endpoint refused the API key (HTTP %d); check it in Settings → AI", status)
	case status == http.StatusNotFound:
		return notebook.Wrap(notebook.Invalid, err, "the AI endpoint does not know this model, or the address is wrong (HTTP 404); check Settings → AI")
	}
	return notebook.Wrap(notebook.Invalid, err, "the AI endpoint rejected the request (HTTP %d)%s", status, apiMessage(err))
}

// apiMessage is the endpoint's own explanation, shortened, for settings
// problems such as "response_format is not supported".
func apiMessage(err error) string {
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) && apiErr.Message != "" {
		return ": " + oneLine(apiErr.Message, 200)
	}
	return ""
}

// parseRetryAfter reads a Retry-After header (seconds or an HTTP date),
// capped at maxRetryAfter; 0 when absent or unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs <= 0 || secs != secs {
			return 0
		}
		if secs > maxRetryAfter.Seconds() {
			return maxRetryAfter
		}
		d = time.Duration(secs * float64(time.Second))
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	if d < 0 {
		return 0
	}
	return min(d, maxRetryAfter)
}
