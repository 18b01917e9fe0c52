export namespace bridge {
	
	export class EvidenceBehind {
	    id: string;
	    question: string;
	    signal: string;
	    quote: string;
	    author: string;
	    author_role: string;
	    call_id: string;
	    captured_at: string;
	
	    static createFrom(source: any = {}) {
	        return new EvidenceBehind(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.question = source["question"];
	        this.signal = source["signal"];
	        this.quote = source["quote"];
	        this.author = source["author"];
	        this.author_role = source["author_role"];
	        this.call_id = source["call_id"];
	        this.captured_at = source["captured_at"];
	    }
	}
	export class AccountBehind {
	    account_id: string;
	    name: string;
	    segment: string;
	    arr: number;
	    signal: string;
	    latest: EvidenceBehind;
	    quotes: EvidenceBehind[];
	    call_ids: string[];
	    items: number;
	
	    static createFrom(source: any = {}) {
	        return new AccountBehind(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.account_id = source["account_id"];
	        this.name = source["name"];
	        this.segment = source["segment"];
	        this.arr = source["arr"];
	        this.signal = source["signal"];
	        this.latest = this.convertValues(source["latest"], EvidenceBehind);
	        this.quotes = this.convertValues(source["quotes"], EvidenceBehind);
	        this.call_ids = source["call_ids"];
	        this.items = source["items"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class WaitingHypothesis {
	    id: string;
	    statement: string;
	    status: string;
	
	    static createFrom(source: any = {}) {
	        return new WaitingHypothesis(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.statement = source["statement"];
	        this.status = source["status"];
	    }
	}
	export class DealRow {
	    id: string;
	    name: string;
	    account_id: string;
	    amount: number;
	    currency: string;
	    stage: string;
	    status: string;
	    close_date: string;
	    lost_reason: string;
	    owner: string;
	    waiting_on: WaitingHypothesis[];
	
	    static createFrom(source: any = {}) {
	        return new DealRow(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.account_id = source["account_id"];
	        this.amount = source["amount"];
	        this.currency = source["currency"];
	        this.stage = source["stage"];
	        this.status = source["status"];
	        this.close_date = source["close_date"];
	        this.lost_reason = source["lost_reason"];
	        this.owner = source["owner"];
	        this.waiting_on = this.convertValues(source["waiting_on"], WaitingHypothesis);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class StudyDTO {
	    id: string;
	    title: string;
	    goal: string;
	    criteria: string;
	    segments: string[];
	    stages: string[];
	    hypothesis_id: string;
	    target_count: number;
	    deadline: string;
	    status: string;
	
	    static createFrom(source: any = {}) {
	        return new StudyDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.title = source["title"];
	        this.goal = source["goal"];
	        this.criteria = source["criteria"];
	        this.segments = source["segments"];
	        this.stages = source["stages"];
	        this.hypothesis_id = source["hypothesis_id"];
	        this.target_count = source["target_count"];
	        this.deadline = source["deadline"];
	        this.status = source["status"];
	    }
	}
	export class ConsentDTO {
	    wording: string;
	    at: string;
	    channel: string;
	    given: boolean;
	    study_id: string;
	    recorded_by: string;
	
	    static createFrom(source: any = {}) {
	        return new ConsentDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.wording = source["wording"];
	        this.at = source["at"];
	        this.channel = source["channel"];
	        this.given = source["given"];
	        this.study_id = source["study_id"];
	        this.recorded_by = source["recorded_by"];
	    }
	}
	export class ContactDTO {
	    id: string;
	    email: string;
	    name: string;
	    account_id: string;
	    account_name: string;
	    title: string;
	    recruit_status: string;
	    study_id: string;
	    consent_log: ConsentDTO[];
	    last_invited_at: string;
	    do_not_contact: boolean;
	    recent_invite: boolean;
	    next: string[];
	
	    static createFrom(source: any = {}) {
	        return new ContactDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.email = source["email"];
	        this.name = source["name"];
	        this.account_id = source["account_id"];
	        this.account_name = source["account_name"];
	        this.title = source["title"];
	        this.recruit_status = source["recruit_status"];
	        this.study_id = source["study_id"];
	        this.consent_log = this.convertValues(source["consent_log"], ConsentDTO);
	        this.last_invited_at = source["last_invited_at"];
	        this.do_not_contact = source["do_not_contact"];
	        this.recent_invite = source["recent_invite"];
	        this.next = source["next"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class CallRow {
	    id: string;
	    account_id: string;
	    account_name: string;
	    title: string;
	    kind: string;
	    started_at: string;
	    ended_at: string;
	    evidence: number;
	
	    static createFrom(source: any = {}) {
	        return new CallRow(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.account_id = source["account_id"];
	        this.account_name = source["account_name"];
	        this.title = source["title"];
	        this.kind = source["kind"];
	        this.started_at = source["started_at"];
	        this.ended_at = source["ended_at"];
	        this.evidence = source["evidence"];
	    }
	}
	export class WTPDTO {
	    amount: number;
	    currency: string;
	    period: string;
	    budget_owner: string;
	
	    static createFrom(source: any = {}) {
	        return new WTPDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.amount = source["amount"];
	        this.currency = source["currency"];
	        this.period = source["period"];
	        this.budget_owner = source["budget_owner"];
	    }
	}
	export class EvidenceRow {
	    id: string;
	    hypothesis_id: string;
	    question_id: string;
	    account_id: string;
	    call_id: string;
	    contact_id: string;
	    opportunity_id: string;
	    impact: string;
	    signal: string;
	    strength: number;
	    quote: string;
	    wtp?: WTPDTO;
	    capability: string;
	    problem: string;
	    blocker: string;
	    severity: string;
	    feature: string;
	    usage: string;
	    source: string;
	    captured_at: string;
	    account_name: string;
	    statement: string;
	    question: string;
	
	    static createFrom(source: any = {}) {
	        return new EvidenceRow(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.hypothesis_id = source["hypothesis_id"];
	        this.question_id = source["question_id"];
	        this.account_id = source["account_id"];
	        this.call_id = source["call_id"];
	        this.contact_id = source["contact_id"];
	        this.opportunity_id = source["opportunity_id"];
	        this.impact = source["impact"];
	        this.signal = source["signal"];
	        this.strength = source["strength"];
	        this.quote = source["quote"];
	        this.wtp = this.convertValues(source["wtp"], WTPDTO);
	        this.capability = source["capability"];
	        this.problem = source["problem"];
	        this.blocker = source["blocker"];
	        this.severity = source["severity"];
	        this.feature = source["feature"];
	        this.usage = source["usage"];
	        this.source = source["source"];
	        this.captured_at = source["captured_at"];
	        this.account_name = source["account_name"];
	        this.statement = source["statement"];
	        this.question = source["question"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class QuestionDTO {
	    id: string;
	    text: string;
	    kind: string;
	
	    static createFrom(source: any = {}) {
	        return new QuestionDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.text = source["text"];
	        this.kind = source["kind"];
	    }
	}
	export class HypothesisDTO {
	    id: string;
	    statement: string;
	    rationale: string;
	    questions: QuestionDTO[];
	    audience: string;
	    segments: string[];
	    stages: string[];
	    status: string;
	    rank: number;
	    owner: string;
	    decision_note: string;
	    published_at: string;
	    decided_at: string;
	    place: number;
	    mark: string;
	    targeted_because?: string;
	
	    static createFrom(source: any = {}) {
	        return new HypothesisDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.statement = source["statement"];
	        this.rationale = source["rationale"];
	        this.questions = this.convertValues(source["questions"], QuestionDTO);
	        this.audience = source["audience"];
	        this.segments = source["segments"];
	        this.stages = source["stages"];
	        this.status = source["status"];
	        this.rank = source["rank"];
	        this.owner = source["owner"];
	        this.decision_note = source["decision_note"];
	        this.published_at = source["published_at"];
	        this.decided_at = source["decided_at"];
	        this.place = source["place"];
	        this.mark = source["mark"];
	        this.targeted_because = source["targeted_because"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class AccountDTO {
	    id: string;
	    name: string;
	    domains: string[];
	    segment: string;
	    stage: string;
	    arr: number;
	
	    static createFrom(source: any = {}) {
	        return new AccountDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.domains = source["domains"];
	        this.segment = source["segment"];
	        this.stage = source["stage"];
	        this.arr = source["arr"];
	    }
	}
	export class AccountBrief {
	    account: AccountDTO;
	    hypotheses: HypothesisDTO[];
	    evidence: EvidenceRow[];
	    calls: CallRow[];
	    contacts: ContactDTO[];
	    studies: StudyDTO[];
	    deals: DealRow[];
	
	    static createFrom(source: any = {}) {
	        return new AccountBrief(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.account = this.convertValues(source["account"], AccountDTO);
	        this.hypotheses = this.convertValues(source["hypotheses"], HypothesisDTO);
	        this.evidence = this.convertValues(source["evidence"], EvidenceRow);
	        this.calls = this.convertValues(source["calls"], CallRow);
	        this.contacts = this.convertValues(source["contacts"], ContactDTO);
	        this.studies = this.convertValues(source["studies"], StudyDTO);
	        this.deals = this.convertValues(source["deals"], DealRow);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class AccountInput {
	    name: string;
	    domains: string[];
	    segment: string;
	    stage: string;
	    arr: number;
	
	    static createFrom(source: any = {}) {
	        return new AccountInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.domains = source["domains"];
	        this.segment = source["segment"];
	        this.stage = source["stage"];
	        this.arr = source["arr"];
	    }
	}
	export class AccountRow {
	    id: string;
	    name: string;
	    domains: string[];
	    segment: string;
	    stage: string;
	    arr: number;
	    last_call_at: string;
	    evidence: number;
	
	    static createFrom(source: any = {}) {
	        return new AccountRow(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.domains = source["domains"];
	        this.segment = source["segment"];
	        this.stage = source["stage"];
	        this.arr = source["arr"];
	        this.last_call_at = source["last_call_at"];
	        this.evidence = source["evidence"];
	    }
	}
	export class ClaimDTO {
	    text: string;
	    sources: string[];
	
	    static createFrom(source: any = {}) {
	        return new ClaimDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.text = source["text"];
	        this.sources = source["sources"];
	    }
	}
	export class SuggestionDTO {
	    id: string;
	    hypothesis_id: string;
	    statement: string;
	    question_id: string;
	    question: string;
	    signal: string;
	    strength: number;
	    quote: string;
	    start: number;
	    end: number;
	    wtp?: WTPDTO;
	    email_id: string;
	
	    static createFrom(source: any = {}) {
	        return new SuggestionDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.hypothesis_id = source["hypothesis_id"];
	        this.statement = source["statement"];
	        this.question_id = source["question_id"];
	        this.question = source["question"];
	        this.signal = source["signal"];
	        this.strength = source["strength"];
	        this.quote = source["quote"];
	        this.start = source["start"];
	        this.end = source["end"];
	        this.wtp = this.convertValues(source["wtp"], WTPDTO);
	        this.email_id = source["email_id"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class AssistJobDTO {
	    id: string;
	    kind: string;
	    state: string;
	    waiting: string;
	    created_at: string;
	    updated_at: string;
	    next_attempt_at: string;
	    attempts: number;
	    call_id: string;
	    account_id: string;
	    email_id: string;
	    suggestions: SuggestionDTO[];
	    accepted: number;
	    rejected: number;
	    discarded: number;
	    summary: string;
	    claims: ClaimDTO[];
	    error_code: string;
	    error_message: string;
	    total_tokens: number;
	
	    static createFrom(source: any = {}) {
	        return new AssistJobDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.kind = source["kind"];
	        this.state = source["state"];
	        this.waiting = source["waiting"];
	        this.created_at = source["created_at"];
	        this.updated_at = source["updated_at"];
	        this.next_attempt_at = source["next_attempt_at"];
	        this.attempts = source["attempts"];
	        this.call_id = source["call_id"];
	        this.account_id = source["account_id"];
	        this.email_id = source["email_id"];
	        this.suggestions = this.convertValues(source["suggestions"], SuggestionDTO);
	        this.accepted = source["accepted"];
	        this.rejected = source["rejected"];
	        this.discarded = source["discarded"];
	        this.summary = source["summary"];
	        this.claims = this.convertValues(source["claims"], ClaimDTO);
	        this.error_code = source["error_code"];
	        this.error_message = source["error_message"];
	        this.total_tokens = source["total_tokens"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class AssistSettingsDTO {
	    base_url: string;
	    model: string;
	    azure_api_version: string;
	    redaction: boolean;
	    org_disabled: boolean;
	    use_tools: boolean;
	    no_stream: boolean;
	    has_key: boolean;
	
	    static createFrom(source: any = {}) {
	        return new AssistSettingsDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.base_url = source["base_url"];
	        this.model = source["model"];
	        this.azure_api_version = source["azure_api_version"];
	        this.redaction = source["redaction"];
	        this.org_disabled = source["org_disabled"];
	        this.use_tools = source["use_tools"];
	        this.no_stream = source["no_stream"];
	        this.has_key = source["has_key"];
	    }
	}
	export class AssistSettingsInput {
	    base_url: string;
	    model: string;
	    azure_api_version: string;
	    redaction: boolean;
	    org_disabled: boolean;
	    use_tools: boolean;
	    no_stream: boolean;
	    has_key: boolean;
	    api_key: string;
	    clear_key: boolean;
	
	    static createFrom(source: any = {}) {
	        return new AssistSettingsInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.base_url = source["base_url"];
	        this.model = source["model"];
	        this.azure_api_version = source["azure_api_version"];
	        this.redaction = source["redaction"];
	        this.org_disabled = source["org_disabled"];
	        this.use_tools = source["use_tools"];
	        this.no_stream = source["no_stream"];
	        this.has_key = source["has_key"];
	        this.api_key = source["api_key"];
	        this.clear_key = source["clear_key"];
	    }
	}
	export class AssistStatus {
	    state: string;
	    message: string;
	    queued: number;
	    running: string;
	
	    static createFrom(source: any = {}) {
	        return new AssistStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.state = source["state"];
	        this.message = source["message"];
	        this.queued = source["queued"];
	        this.running = source["running"];
	    }
	}
	export class AssistUsage {
	    prompt_tokens: number;
	    completion_tokens: number;
	    total_tokens: number;
	    requests: number;
	    since: string;
	
	    static createFrom(source: any = {}) {
	        return new AssistUsage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.prompt_tokens = source["prompt_tokens"];
	        this.completion_tokens = source["completion_tokens"];
	        this.total_tokens = source["total_tokens"];
	        this.requests = source["requests"];
	        this.since = source["since"];
	    }
	}
	export class CallDTO {
	    id: string;
	    account_id: string;
	    contact_ids: string[];
	    started_at: string;
	    ended_at: string;
	    kind: string;
	    title: string;
	    notes: string;
	    notes_conflicts: notebook.NotesConflict[];
	
	    static createFrom(source: any = {}) {
	        return new CallDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.account_id = source["account_id"];
	        this.contact_ids = source["contact_ids"];
	        this.started_at = source["started_at"];
	        this.ended_at = source["ended_at"];
	        this.kind = source["kind"];
	        this.title = source["title"];
	        this.notes = source["notes"];
	        this.notes_conflicts = this.convertValues(source["notes_conflicts"], notebook.NotesConflict);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class DealDTO {
	    id: string;
	    name: string;
	    account_id: string;
	    amount: number;
	    currency: string;
	    stage: string;
	    status: string;
	    close_date: string;
	    lost_reason: string;
	    owner: string;
	
	    static createFrom(source: any = {}) {
	        return new DealDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.account_id = source["account_id"];
	        this.amount = source["amount"];
	        this.currency = source["currency"];
	        this.stage = source["stage"];
	        this.status = source["status"];
	        this.close_date = source["close_date"];
	        this.lost_reason = source["lost_reason"];
	        this.owner = source["owner"];
	    }
	}
	export class EvidenceDTO {
	    id: string;
	    hypothesis_id: string;
	    question_id: string;
	    account_id: string;
	    call_id: string;
	    contact_id: string;
	    opportunity_id: string;
	    impact: string;
	    signal: string;
	    strength: number;
	    quote: string;
	    wtp?: WTPDTO;
	    capability: string;
	    problem: string;
	    blocker: string;
	    severity: string;
	    feature: string;
	    usage: string;
	    source: string;
	    captured_at: string;
	
	    static createFrom(source: any = {}) {
	        return new EvidenceDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.hypothesis_id = source["hypothesis_id"];
	        this.question_id = source["question_id"];
	        this.account_id = source["account_id"];
	        this.call_id = source["call_id"];
	        this.contact_id = source["contact_id"];
	        this.opportunity_id = source["opportunity_id"];
	        this.impact = source["impact"];
	        this.signal = source["signal"];
	        this.strength = source["strength"];
	        this.quote = source["quote"];
	        this.wtp = this.convertValues(source["wtp"], WTPDTO);
	        this.capability = source["capability"];
	        this.problem = source["problem"];
	        this.blocker = source["blocker"];
	        this.severity = source["severity"];
	        this.feature = source["feature"];
	        this.usage = source["usage"];
	        this.source = source["source"];
	        this.captured_at = source["captured_at"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class CallView {
	    call: CallDTO;
	    account: AccountDTO;
	    hypotheses: HypothesisDTO[];
	    evidence: EvidenceDTO[];
	    contacts: ContactDTO[];
	    deals: DealDTO[];
	    default_deal_id: string;
	
	    static createFrom(source: any = {}) {
	        return new CallView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.call = this.convertValues(source["call"], CallDTO);
	        this.account = this.convertValues(source["account"], AccountDTO);
	        this.hypotheses = this.convertValues(source["hypotheses"], HypothesisDTO);
	        this.evidence = this.convertValues(source["evidence"], EvidenceDTO);
	        this.contacts = this.convertValues(source["contacts"], ContactDTO);
	        this.deals = this.convertValues(source["deals"], DealDTO);
	        this.default_deal_id = source["default_deal_id"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class CompanySignIn {
	    enabled: boolean;
	    issuer: string;
	
	    static createFrom(source: any = {}) {
	        return new CompanySignIn(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.enabled = source["enabled"];
	        this.issuer = source["issuer"];
	    }
	}
	
	export class ConsentInput {
	    wording: string;
	    channel: string;
	    at: string;
	    given: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ConsentInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.wording = source["wording"];
	        this.channel = source["channel"];
	        this.at = source["at"];
	        this.given = source["given"];
	    }
	}
	
	
	
	export class Delay {
	    n: number;
	    p50_seconds: number;
	    p95_seconds: number;
	    max_seconds: number;
	
	    static createFrom(source: any = {}) {
	        return new Delay(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.n = source["n"];
	        this.p50_seconds = source["p50_seconds"];
	        this.p95_seconds = source["p95_seconds"];
	        this.max_seconds = source["max_seconds"];
	    }
	}
	export class DemoResult {
	    summary: string;
	
	    static createFrom(source: any = {}) {
	        return new DemoResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.summary = source["summary"];
	    }
	}
	export class EmailEvidenceInput {
	    email_id: string;
	    hypothesis_id: string;
	    question_id: string;
	    signal: string;
	    strength: number;
	    quote: string;
	    call_id: string;
	    contact_id: string;
	    wtp?: WTPDTO;
	
	    static createFrom(source: any = {}) {
	        return new EmailEvidenceInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.email_id = source["email_id"];
	        this.hypothesis_id = source["hypothesis_id"];
	        this.question_id = source["question_id"];
	        this.signal = source["signal"];
	        this.strength = source["strength"];
	        this.quote = source["quote"];
	        this.call_id = source["call_id"];
	        this.contact_id = source["contact_id"];
	        this.wtp = this.convertValues(source["wtp"], WTPDTO);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class EmailRow {
	    id: string;
	    subject: string;
	    from: string;
	    to: string[];
	    date: string;
	    excerpt: string;
	    account_id: string;
	    account_name: string;
	    contact_ids: string[];
	    links: string[];
	    unread: boolean;
	    shared: boolean;
	
	    static createFrom(source: any = {}) {
	        return new EmailRow(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.subject = source["subject"];
	        this.from = source["from"];
	        this.to = source["to"];
	        this.date = source["date"];
	        this.excerpt = source["excerpt"];
	        this.account_id = source["account_id"];
	        this.account_name = source["account_name"];
	        this.contact_ids = source["contact_ids"];
	        this.links = source["links"];
	        this.unread = source["unread"];
	        this.shared = source["shared"];
	    }
	}
	export class MailAttachment {
	    index: number;
	    name: string;
	    content_type: string;
	    size: number;
	    inline: boolean;
	
	    static createFrom(source: any = {}) {
	        return new MailAttachment(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.index = source["index"];
	        this.name = source["name"];
	        this.content_type = source["content_type"];
	        this.size = source["size"];
	        this.inline = source["inline"];
	    }
	}
	export class EmailView {
	    email: EmailRow;
	    srcdoc: string;
	    csp: string;
	    text: string;
	    has_html: boolean;
	    attachments: MailAttachment[];
	    problems: string[];
	    truncated: boolean;
	    on_computer: boolean;
	
	    static createFrom(source: any = {}) {
	        return new EmailView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.email = this.convertValues(source["email"], EmailRow);
	        this.srcdoc = source["srcdoc"];
	        this.csp = source["csp"];
	        this.text = source["text"];
	        this.has_html = source["has_html"];
	        this.attachments = this.convertValues(source["attachments"], MailAttachment);
	        this.problems = source["problems"];
	        this.truncated = source["truncated"];
	        this.on_computer = source["on_computer"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	
	export class ExportResult {
	    path: string;
	    rows: number;
	    cancelled: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ExportResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.rows = source["rows"];
	        this.cancelled = source["cancelled"];
	    }
	}
	export class FileResult {
	    path: string;
	    records: number;
	    cancelled: boolean;
	
	    static createFrom(source: any = {}) {
	        return new FileResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.records = source["records"];
	        this.cancelled = source["cancelled"];
	    }
	}
	export class StageSummary {
	    median_seconds?: number;
	    reached: number;
	
	    static createFrom(source: any = {}) {
	        return new StageSummary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.median_seconds = source["median_seconds"];
	        this.reached = source["reached"];
	    }
	}
	export class Headline {
	    hypotheses: number;
	    first_evidence: StageSummary;
	    five_accounts: StageSummary;
	    first_seen_by_product: StageSummary;
	    decided: StageSummary;
	    edge_to_hub_p50: StageSummary;
	    edge_to_hub_p95: StageSummary;
	
	    static createFrom(source: any = {}) {
	        return new Headline(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.hypotheses = source["hypotheses"];
	        this.first_evidence = this.convertValues(source["first_evidence"], StageSummary);
	        this.five_accounts = this.convertValues(source["five_accounts"], StageSummary);
	        this.first_seen_by_product = this.convertValues(source["first_seen_by_product"], StageSummary);
	        this.decided = this.convertValues(source["decided"], StageSummary);
	        this.edge_to_hub_p50 = this.convertValues(source["edge_to_hub_p50"], StageSummary);
	        this.edge_to_hub_p95 = this.convertValues(source["edge_to_hub_p95"], StageSummary);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SyncState {
	    state: string;
	    message: string;
	    last_at: string;
	
	    static createFrom(source: any = {}) {
	        return new SyncState(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.state = source["state"];
	        this.message = source["message"];
	        this.last_at = source["last_at"];
	    }
	}
	export class HypothesisRow {
	    id: string;
	    statement: string;
	    rationale: string;
	    questions: QuestionDTO[];
	    audience: string;
	    segments: string[];
	    stages: string[];
	    status: string;
	    rank: number;
	    owner: string;
	    decision_note: string;
	    published_at: string;
	    decided_at: string;
	    place: number;
	    mark: string;
	    targeted_because?: string;
	    tally: notebook.Tally;
	
	    static createFrom(source: any = {}) {
	        return new HypothesisRow(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.statement = source["statement"];
	        this.rationale = source["rationale"];
	        this.questions = this.convertValues(source["questions"], QuestionDTO);
	        this.audience = source["audience"];
	        this.segments = source["segments"];
	        this.stages = source["stages"];
	        this.status = source["status"];
	        this.rank = source["rank"];
	        this.owner = source["owner"];
	        this.decision_note = source["decision_note"];
	        this.published_at = source["published_at"];
	        this.decided_at = source["decided_at"];
	        this.place = source["place"];
	        this.mark = source["mark"];
	        this.targeted_because = source["targeted_because"];
	        this.tally = this.convertValues(source["tally"], notebook.Tally);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class HomeView {
	    recent_calls: CallRow[];
	    today: CallRow[];
	    learn_now: HypothesisRow[];
	    pending: number;
	    sync: SyncState;
	    accounts: number;
	
	    static createFrom(source: any = {}) {
	        return new HomeView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.recent_calls = this.convertValues(source["recent_calls"], CallRow);
	        this.today = this.convertValues(source["today"], CallRow);
	        this.learn_now = this.convertValues(source["learn_now"], HypothesisRow);
	        this.pending = source["pending"];
	        this.sync = this.convertValues(source["sync"], SyncState);
	        this.accounts = source["accounts"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class HypothesisDetail {
	    hypothesis: HypothesisDTO;
	    tally: notebook.Tally;
	    evidence: EvidenceRow[];
	
	    static createFrom(source: any = {}) {
	        return new HypothesisDetail(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.hypothesis = this.convertValues(source["hypothesis"], HypothesisDTO);
	        this.tally = this.convertValues(source["tally"], notebook.Tally);
	        this.evidence = this.convertValues(source["evidence"], EvidenceRow);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class HypothesisInput {
	    id: string;
	    statement: string;
	    rationale: string;
	    questions: QuestionDTO[];
	    audience: string;
	    segments: string[];
	    stages: string[];
	
	    static createFrom(source: any = {}) {
	        return new HypothesisInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.statement = source["statement"];
	        this.rationale = source["rationale"];
	        this.questions = this.convertValues(source["questions"], QuestionDTO);
	        this.audience = source["audience"];
	        this.segments = source["segments"];
	        this.stages = source["stages"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class TimeToRevenue {
	    first_won_deal_id?: string;
	    first_won_at?: string;
	    from_decision_seconds?: number;
	    from_publish_seconds?: number;
	
	    static createFrom(source: any = {}) {
	        return new TimeToRevenue(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.first_won_deal_id = source["first_won_deal_id"];
	        this.first_won_at = source["first_won_at"];
	        this.from_decision_seconds = source["from_decision_seconds"];
	        this.from_publish_seconds = source["from_publish_seconds"];
	    }
	}
	export class HypothesisRevenue {
	    open_pipeline: Money[] | null;
	    pipeline_by_stage: StageMoney[] | null;
	    arr_at_risk: Money[] | null;
	    expansion_arr: Money[] | null;
	    won_after_decision: Money[] | null;
	    lost_after_decision: Money[] | null;
	    time_to_revenue: TimeToRevenue;
	
	    static createFrom(source: any = {}) {
	        return new HypothesisRevenue(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.open_pipeline = source["open_pipeline"];
	        this.pipeline_by_stage = source["pipeline_by_stage"];
	        this.arr_at_risk = source["arr_at_risk"];
	        this.expansion_arr = source["expansion_arr"];
	        this.won_after_decision = source["won_after_decision"];
	        this.lost_after_decision = source["lost_after_decision"];
	        this.time_to_revenue = this.convertValues(source["time_to_revenue"], TimeToRevenue);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Milestone {
	    at?: string;
	    seconds?: number;
	
	    static createFrom(source: any = {}) {
	        return new Milestone(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.at = source["at"];
	        this.seconds = source["seconds"];
	    }
	}
	export class TimeToSignal {
	    published_at?: string;
	    first_evidence: Milestone;
	    five_accounts: Milestone;
	    first_seen_by_product: Milestone;
	    decided: Milestone;
	    edge_to_hub: Delay;
	    hub_to_product: Delay;
	    seen_by_product: number;
	    not_yet_seen: number;
	    accounts_so_far: number;
	    accounts_goal: number;
	
	    static createFrom(source: any = {}) {
	        return new TimeToSignal(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.published_at = source["published_at"];
	        this.first_evidence = this.convertValues(source["first_evidence"], Milestone);
	        this.five_accounts = this.convertValues(source["five_accounts"], Milestone);
	        this.first_seen_by_product = this.convertValues(source["first_seen_by_product"], Milestone);
	        this.decided = this.convertValues(source["decided"], Milestone);
	        this.edge_to_hub = this.convertValues(source["edge_to_hub"], Delay);
	        this.hub_to_product = this.convertValues(source["hub_to_product"], Delay);
	        this.seen_by_product = source["seen_by_product"];
	        this.not_yet_seen = source["not_yet_seen"];
	        this.accounts_so_far = source["accounts_so_far"];
	        this.accounts_goal = source["accounts_goal"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class StudyPipeline {
	    study_id: string;
	    title: string;
	    hypothesis_id: string;
	    status: string;
	    target_count: number;
	    counts: Record<string, number>;
	    do_not_contact: number;
	
	    static createFrom(source: any = {}) {
	        return new StudyPipeline(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.study_id = source["study_id"];
	        this.title = source["title"];
	        this.hypothesis_id = source["hypothesis_id"];
	        this.status = source["status"];
	        this.target_count = source["target_count"];
	        this.counts = source["counts"];
	        this.do_not_contact = source["do_not_contact"];
	    }
	}
	export class Quote {
	    evidence_id: string;
	    quote: string;
	    signal: string;
	    account_id: string;
	    account_name: string;
	    segment: string;
	    author: string;
	    author_role: string;
	    captured_at: string;
	
	    static createFrom(source: any = {}) {
	        return new Quote(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.evidence_id = source["evidence_id"];
	        this.quote = source["quote"];
	        this.signal = source["signal"];
	        this.account_id = source["account_id"];
	        this.account_name = source["account_name"];
	        this.segment = source["segment"];
	        this.author = source["author"];
	        this.author_role = source["author_role"];
	        this.captured_at = source["captured_at"];
	    }
	}
	export class Mention {
	    text: string;
	    label: string;
	    count: number;
	    accounts: number;
	
	    static createFrom(source: any = {}) {
	        return new Mention(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.text = source["text"];
	        this.label = source["label"];
	        this.count = source["count"];
	        this.accounts = source["accounts"];
	    }
	}
	export class WTPStats {
	    currency: string;
	    period: string;
	    n: number;
	    accounts: number;
	    min: number;
	    q1: number;
	    median: number;
	    q3: number;
	    max: number;
	
	    static createFrom(source: any = {}) {
	        return new WTPStats(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.currency = source["currency"];
	        this.period = source["period"];
	        this.n = source["n"];
	        this.accounts = source["accounts"];
	        this.min = source["min"];
	        this.q1 = source["q1"];
	        this.median = source["median"];
	        this.q3 = source["q3"];
	        this.max = source["max"];
	    }
	}
	export class SignalCount {
	    accounts: number;
	    arr: number;
	
	    static createFrom(source: any = {}) {
	        return new SignalCount(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.accounts = source["accounts"];
	        this.arr = source["arr"];
	    }
	}
	export class SignalRollup {
	    overall: Record<string, SignalCount>;
	    by_segment: Record<string, Record<string, SignalCount>>;
	    by_role: Record<string, Record<string, SignalCount>>;
	    accounts: number;
	    arr: number;
	    unattributed: Record<string, number>;
	    items: number;
	
	    static createFrom(source: any = {}) {
	        return new SignalRollup(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.overall = this.convertValues(source["overall"], SignalCount, true);
	        this.by_segment = source["by_segment"];
	        this.by_role = source["by_role"];
	        this.accounts = source["accounts"];
	        this.arr = source["arr"];
	        this.unattributed = source["unattributed"];
	        this.items = source["items"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class HypothesisInsight {
	    hypothesis_id: string;
	    statement: string;
	    status: string;
	    rank: number;
	    signals: SignalRollup;
	    wtp: WTPStats[];
	    capabilities: Mention[];
	    blockers: Mention[];
	    quotes: Quote[];
	    quotes_total: number;
	    studies: StudyPipeline[];
	    time_to_signal: TimeToSignal;
	    revenue?: HypothesisRevenue;
	
	    static createFrom(source: any = {}) {
	        return new HypothesisInsight(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.hypothesis_id = source["hypothesis_id"];
	        this.statement = source["statement"];
	        this.status = source["status"];
	        this.rank = source["rank"];
	        this.signals = this.convertValues(source["signals"], SignalRollup);
	        this.wtp = this.convertValues(source["wtp"], WTPStats);
	        this.capabilities = this.convertValues(source["capabilities"], Mention);
	        this.blockers = this.convertValues(source["blockers"], Mention);
	        this.quotes = this.convertValues(source["quotes"], Quote);
	        this.quotes_total = source["quotes_total"];
	        this.studies = this.convertValues(source["studies"], StudyPipeline);
	        this.time_to_signal = this.convertValues(source["time_to_signal"], TimeToSignal);
	        this.revenue = this.convertValues(source["revenue"], HypothesisRevenue);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	export class ImportColumn {
	    header: string;
	    field: string;
	    samples: string[];
	
	    static createFrom(source: any = {}) {
	        return new ImportColumn(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.header = source["header"];
	        this.field = source["field"];
	        this.samples = source["samples"];
	    }
	}
	export class LineError {
	    file: string;
	    line: number;
	    message: string;
	    text: string;
	
	    static createFrom(source: any = {}) {
	        return new LineError(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.file = source["file"];
	        this.line = source["line"];
	        this.message = source["message"];
	        this.text = source["text"];
	    }
	}
	export class ImportReport {
	    file: string;
	    kind: string;
	    vendor: string;
	    imported: number;
	    created: number;
	    updated: number;
	    unchanged: number;
	    skipped: number;
	    errors: LineError[];
	    warnings: LineError[];
	    cancelled: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ImportReport(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.file = source["file"];
	        this.kind = source["kind"];
	        this.vendor = source["vendor"];
	        this.imported = source["imported"];
	        this.created = source["created"];
	        this.updated = source["updated"];
	        this.unchanged = source["unchanged"];
	        this.skipped = source["skipped"];
	        this.errors = this.convertValues(source["errors"], LineError);
	        this.warnings = this.convertValues(source["warnings"], LineError);
	        this.cancelled = source["cancelled"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ImportPreview {
	    file: string;
	    header_key: string;
	    kind: string;
	    columns: ImportColumn[];
	    fields: string[];
	    plan: ImportReport;
	    problem: string;
	    cancelled: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ImportPreview(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.file = source["file"];
	        this.header_key = source["header_key"];
	        this.kind = source["kind"];
	        this.columns = this.convertValues(source["columns"], ImportColumn);
	        this.fields = source["fields"];
	        this.plan = this.convertValues(source["plan"], ImportReport);
	        this.problem = source["problem"];
	        this.cancelled = source["cancelled"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class InsightAccounts {
	    hypothesis_id: string;
	    signal: string;
	    segment?: string;
	    role?: string;
	    accounts: AccountBehind[];
	    total: number;
	    arr: number;
	    truncated: boolean;
	
	    static createFrom(source: any = {}) {
	        return new InsightAccounts(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.hypothesis_id = source["hypothesis_id"];
	        this.signal = source["signal"];
	        this.segment = source["segment"];
	        this.role = source["role"];
	        this.accounts = this.convertValues(source["accounts"], AccountBehind);
	        this.total = source["total"];
	        this.arr = source["arr"];
	        this.truncated = source["truncated"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class InsightsReport {
	    generated_at: string;
	    evidence: number;
	    accounts: number;
	    headline: Headline;
	    studies: StudyPipeline[];
	    hypotheses: HypothesisInsight[];
	
	    static createFrom(source: any = {}) {
	        return new InsightsReport(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.generated_at = source["generated_at"];
	        this.evidence = source["evidence"];
	        this.accounts = source["accounts"];
	        this.headline = this.convertValues(source["headline"], Headline);
	        this.studies = this.convertValues(source["studies"], StudyPipeline);
	        this.hypotheses = this.convertValues(source["hypotheses"], HypothesisInsight);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class InviteDTO {
	    id: string;
	    email: string;
	    role: string;
	    state: string;
	    created_at: string;
	    expires_at: string;
	    used_at: string;
	    device: string;
	
	    static createFrom(source: any = {}) {
	        return new InviteDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.email = source["email"];
	        this.role = source["role"];
	        this.state = source["state"];
	        this.created_at = source["created_at"];
	        this.expires_at = source["expires_at"];
	        this.used_at = source["used_at"];
	        this.device = source["device"];
	    }
	}
	export class InviteInput {
	    email: string;
	    role: string;
	    expires: string;
	
	    static createFrom(source: any = {}) {
	        return new InviteInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.email = source["email"];
	        this.role = source["role"];
	        this.expires = source["expires"];
	    }
	}
	export class JoinResult {
	    hub_url: string;
	    email: string;
	    role: string;
	
	    static createFrom(source: any = {}) {
	        return new JoinResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.hub_url = source["hub_url"];
	        this.email = source["email"];
	        this.role = source["role"];
	    }
	}
	
	
	export class MailCounts {
	    folders: number;
	    scanned: number;
	    relevant: number;
	    fetched: number;
	    skipped: number;
	    expunged: number;
	    flag_changes: number;
	
	    static createFrom(source: any = {}) {
	        return new MailCounts(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.folders = source["folders"];
	        this.scanned = source["scanned"];
	        this.relevant = source["relevant"];
	        this.fetched = source["fetched"];
	        this.skipped = source["skipped"];
	        this.expunged = source["expunged"];
	        this.flag_changes = source["flag_changes"];
	    }
	}
	export class MailFolder {
	    name: string;
	    watched: boolean;
	    default: boolean;
	
	    static createFrom(source: any = {}) {
	        return new MailFolder(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.watched = source["watched"];
	        this.default = source["default"];
	    }
	}
	export class MailGroup {
	    account_id: string;
	    account_name: string;
	    unread: number;
	    newest: string;
	    emails: EmailRow[];
	
	    static createFrom(source: any = {}) {
	        return new MailGroup(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.account_id = source["account_id"];
	        this.account_name = source["account_name"];
	        this.unread = source["unread"];
	        this.newest = source["newest"];
	        this.emails = this.convertValues(source["emails"], EmailRow);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class MailSettingsDTO {
	    host: string;
	    port: number;
	    security: string;
	    username: string;
	    auth: string;
	    folders: string[];
	    has_password: boolean;
	    configured: boolean;
	
	    static createFrom(source: any = {}) {
	        return new MailSettingsDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.host = source["host"];
	        this.port = source["port"];
	        this.security = source["security"];
	        this.username = source["username"];
	        this.auth = source["auth"];
	        this.folders = source["folders"];
	        this.has_password = source["has_password"];
	        this.configured = source["configured"];
	    }
	}
	export class MailSettingsInput {
	    host: string;
	    port: number;
	    security: string;
	    username: string;
	    auth: string;
	    folders: string[];
	    password: string;
	    clear_password: boolean;
	
	    static createFrom(source: any = {}) {
	        return new MailSettingsInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.host = source["host"];
	        this.port = source["port"];
	        this.security = source["security"];
	        this.username = source["username"];
	        this.auth = source["auth"];
	        this.folders = source["folders"];
	        this.password = source["password"];
	        this.clear_password = source["clear_password"];
	    }
	}
	export class MailStatus {
	    state: string;
	    message: string;
	    error_code: string;
	    folder: string;
	    stage: string;
	    done: number;
	    total: number;
	    last_sync_at: string;
	    last: MailCounts;
	
	    static createFrom(source: any = {}) {
	        return new MailStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.state = source["state"];
	        this.message = source["message"];
	        this.error_code = source["error_code"];
	        this.folder = source["folder"];
	        this.stage = source["stage"];
	        this.done = source["done"];
	        this.total = source["total"];
	        this.last_sync_at = source["last_sync_at"];
	        this.last = this.convertValues(source["last"], MailCounts);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class MailTestResult {
	    ok: boolean;
	    problem: string;
	    message: string;
	    folders: string[];
	
	    static createFrom(source: any = {}) {
	        return new MailTestResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ok = source["ok"];
	        this.problem = source["problem"];
	        this.message = source["message"];
	        this.folders = source["folders"];
	    }
	}
	export class MeDTO {
	    id: string;
	    email: string;
	    role: string;
	    audience: string;
	    product: boolean;
	    online: boolean;
	    message: string;
	
	    static createFrom(source: any = {}) {
	        return new MeDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.email = source["email"];
	        this.role = source["role"];
	        this.audience = source["audience"];
	        this.product = source["product"];
	        this.online = source["online"];
	        this.message = source["message"];
	    }
	}
	
	
	export class Money {
	    currency: string;
	    amount: number;
	    count: number;
	
	    static createFrom(source: any = {}) {
	        return new Money(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.currency = source["currency"];
	        this.amount = source["amount"];
	        this.count = source["count"];
	    }
	}
	export class NewInviteDTO {
	    invite: InviteDTO;
	    link: string;
	    code: string;
	
	    static createFrom(source: any = {}) {
	        return new NewInviteDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.invite = this.convertValues(source["invite"], InviteDTO);
	        this.link = source["link"];
	        this.code = source["code"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Outcome {
	    hypothesis_id: string;
	    statement: string;
	    status: string;
	    decision_note: string;
	    decided_at: string;
	    evidence: number;
	    accounts: number;
	
	    static createFrom(source: any = {}) {
	        return new Outcome(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.hypothesis_id = source["hypothesis_id"];
	        this.statement = source["statement"];
	        this.status = source["status"];
	        this.decision_note = source["decision_note"];
	        this.decided_at = source["decided_at"];
	        this.evidence = source["evidence"];
	        this.accounts = source["accounts"];
	    }
	}
	export class PendingChange {
	    mutation_id: number;
	    op: string;
	    type: string;
	    id: string;
	    name: string;
	    changes: number;
	    fields: string[];
	
	    static createFrom(source: any = {}) {
	        return new PendingChange(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.mutation_id = source["mutation_id"];
	        this.op = source["op"];
	        this.type = source["type"];
	        this.id = source["id"];
	        this.name = source["name"];
	        this.changes = source["changes"];
	        this.fields = source["fields"];
	    }
	}
	
	
	export class SaveResult {
	    id: string;
	    seq: number;
	    saved_at: string;
	
	    static createFrom(source: any = {}) {
	        return new SaveResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.seq = source["seq"];
	        this.saved_at = source["saved_at"];
	    }
	}
	export class SearchHit {
	    type: string;
	    id: string;
	    title: string;
	    snippet: string;
	    route: string;
	    score: number;
	
	    static createFrom(source: any = {}) {
	        return new SearchHit(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.type = source["type"];
	        this.id = source["id"];
	        this.title = source["title"];
	        this.snippet = source["snippet"];
	        this.route = source["route"];
	        this.score = source["score"];
	    }
	}
	export class SearchIndexing {
	    indexing: boolean;
	    pending: number;
	
	    static createFrom(source: any = {}) {
	        return new SearchIndexing(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.indexing = source["indexing"];
	        this.pending = source["pending"];
	    }
	}
	export class SettingsInfo {
	    data_dir: string;
	    encrypted: boolean;
	    key_source: string;
	    pending: number;
	    author: string;
	    role: string;
	    role_by_hub: boolean;
	    sync: SyncState;
	
	    static createFrom(source: any = {}) {
	        return new SettingsInfo(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.data_dir = source["data_dir"];
	        this.encrypted = source["encrypted"];
	        this.key_source = source["key_source"];
	        this.pending = source["pending"];
	        this.author = source["author"];
	        this.role = source["role"];
	        this.role_by_hub = source["role_by_hub"];
	        this.sync = this.convertValues(source["sync"], SyncState);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	export class StageMoney {
	    stage: string;
	    currency: string;
	    amount: number;
	    count: number;
	
	    static createFrom(source: any = {}) {
	        return new StageMoney(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.stage = source["stage"];
	        this.currency = source["currency"];
	        this.amount = source["amount"];
	        this.count = source["count"];
	    }
	}
	
	
	export class StudyInput {
	    id: string;
	    title: string;
	    goal: string;
	    criteria: string;
	    segments: string[];
	    stages: string[];
	    hypothesis_id: string;
	    target_count: number;
	    deadline: string;
	    status: string;
	
	    static createFrom(source: any = {}) {
	        return new StudyInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.title = source["title"];
	        this.goal = source["goal"];
	        this.criteria = source["criteria"];
	        this.segments = source["segments"];
	        this.stages = source["stages"];
	        this.hypothesis_id = source["hypothesis_id"];
	        this.target_count = source["target_count"];
	        this.deadline = source["deadline"];
	        this.status = source["status"];
	    }
	}
	
	export class StudyView {
	    study: StudyDTO;
	    candidates: ContactDTO[];
	    counts: Record<string, number>;
	
	    static createFrom(source: any = {}) {
	        return new StudyView(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.study = this.convertValues(source["study"], StudyDTO);
	        this.candidates = this.convertValues(source["candidates"], ContactDTO);
	        this.counts = source["counts"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class SuggestionEdits {
	    question_id: string;
	    signal: string;
	    strength: number;
	    quote: string;
	    wtp?: WTPDTO;
	    clear_wtp: boolean;
	    contact_id: string;
	
	    static createFrom(source: any = {}) {
	        return new SuggestionEdits(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.question_id = source["question_id"];
	        this.signal = source["signal"];
	        this.strength = source["strength"];
	        this.quote = source["quote"];
	        this.wtp = this.convertValues(source["wtp"], WTPDTO);
	        this.clear_wtp = source["clear_wtp"];
	        this.contact_id = source["contact_id"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SyncRejection {
	    mutation_id: number;
	    op: string;
	    type: string;
	    id: string;
	    code: string;
	    message: string;
	    at: string;
	
	    static createFrom(source: any = {}) {
	        return new SyncRejection(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.mutation_id = source["mutation_id"];
	        this.op = source["op"];
	        this.type = source["type"];
	        this.id = source["id"];
	        this.code = source["code"];
	        this.message = source["message"];
	        this.at = source["at"];
	    }
	}
	export class SyncSettingsDTO {
	    hub_url: string;
	    has_token: boolean;
	
	    static createFrom(source: any = {}) {
	        return new SyncSettingsDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.hub_url = source["hub_url"];
	        this.has_token = source["has_token"];
	    }
	}
	export class SyncSettingsInput {
	    hub_url: string;
	    token: string;
	    clear_token: boolean;
	
	    static createFrom(source: any = {}) {
	        return new SyncSettingsInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.hub_url = source["hub_url"];
	        this.token = source["token"];
	        this.clear_token = source["clear_token"];
	    }
	}
	
	export class SyncStatus {
	    state: string;
	    message: string;
	    phase: string;
	    online: boolean;
	    pending: number;
	    last_synced_at: string;
	    last_error: string;
	    error_kind: string;
	    retry_at: string;
	    hub_url: string;
	    rev: number;
	    received: number;
	    remaining: number;
	    seconds_left: number;
	
	    static createFrom(source: any = {}) {
	        return new SyncStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.state = source["state"];
	        this.message = source["message"];
	        this.phase = source["phase"];
	        this.online = source["online"];
	        this.pending = source["pending"];
	        this.last_synced_at = source["last_synced_at"];
	        this.last_error = source["last_error"];
	        this.error_kind = source["error_kind"];
	        this.retry_at = source["retry_at"];
	        this.hub_url = source["hub_url"];
	        this.rev = source["rev"];
	        this.received = source["received"];
	        this.remaining = source["remaining"];
	        this.seconds_left = source["seconds_left"];
	    }
	}
	
	
	export class UpdateStatus {
	    phase: string;
	    current: string;
	    available: string;
	    message: string;
	    can_restart: boolean;
	
	    static createFrom(source: any = {}) {
	        return new UpdateStatus(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.phase = source["phase"];
	        this.current = source["current"];
	        this.available = source["available"];
	        this.message = source["message"];
	        this.can_restart = source["can_restart"];
	    }
	}
	export class WTPCheck {
	    doubt: string;
	    unit: string;
	
	    static createFrom(source: any = {}) {
	        return new WTPCheck(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.doubt = source["doubt"];
	        this.unit = source["unit"];
	    }
	}
	
	export class WTPUnit {
	    period: string;
	    name: string;
	
	    static createFrom(source: any = {}) {
	        return new WTPUnit(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.period = source["period"];
	        this.name = source["name"];
	    }
	}
	export class WTPDefaults {
	    currency: string;
	    units: WTPUnit[];
	
	    static createFrom(source: any = {}) {
	        return new WTPDefaults(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.currency = source["currency"];
	        this.units = this.convertValues(source["units"], WTPUnit);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	
	export class WelcomeState {
	    show: boolean;
	    link: string;
	
	    static createFrom(source: any = {}) {
	        return new WelcomeState(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.show = source["show"];
	        this.link = source["link"];
	    }
	}

}

export namespace notebook {
	
	export enum Impact {
	    blocker = "blocker",
	    expansion = "expansion",
	    nice_to_have = "nice_to_have",
	    retention = "retention",
	}
	export enum Signal {
	    mixed = "mixed",
	    refutes = "refutes",
	    supports = "supports",
	    unclear = "unclear",
	}
	export class NotesConflict {
	    text: string;
	    hlc: string;
	    client_id: string;
	    kept_at: string;
	
	    static createFrom(source: any = {}) {
	        return new NotesConflict(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.text = source["text"];
	        this.hlc = source["hlc"];
	        this.client_id = source["client_id"];
	        this.kept_at = source["kept_at"];
	    }
	}
	export class Tally {
	    supports: number;
	    refutes: number;
	    mixed: number;
	    unclear: number;
	    accounts: number;
	    unattributed: number;
	    items: number;
	
	    static createFrom(source: any = {}) {
	        return new Tally(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.supports = source["supports"];
	        this.refutes = source["refutes"];
	        this.mixed = source["mixed"];
	        this.unclear = source["unclear"];
	        this.accounts = source["accounts"];
	        this.unattributed = source["unattributed"];
	        this.items = source["items"];
	    }
	}

}

