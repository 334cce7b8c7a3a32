"""Word lists the synthetic organisation is built from: people, agents, teams.

Some entries are deliberately awkward (non-Latin scripts, emoji, text that
looks like terminal markup), because names are untrusted text too.
"""

FIRST_NAMES = (
    "Ana",
    "Ben",
    "Chloé",
    "Dmitri",
    "Esther",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kemi",
    "Luca",
    "Maya",
    "Nikhil",
    "Olga",
    "Pedro",
    "Quinn",
    "Rosa",
    "Samir",
    "Tessa",
    "Umar",
    "Vera",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Aiko",
    "Bilal",
    "Carmen",
    "Dev",
    "Elif",
    "Felix",
    "Greta",
    "Hassan",
    "Isla",
    "Javier",
    "Keiko",
    "Leila",
    "Marco",
    "Nadia",
    "Oscar",
    "Priya",
    "Rafael",
    "Sofia",
    "Tomás",
    "Uma",
    "Viktor",
    "Yara",
)

LAST_NAMES = (
    "Ruiz",
    "Okafor",
    "Lefèvre",
    "Ivanov",
    "Cohen",
    "Haddad",
    "Kim",
    "Tanaka",
    "Moreau",
    "Berg",
    "Adeyemi",
    "Rossi",
    "Patel",
    "Sharma",
    "Novak",
    "Silva",
    "O'Brien",
    "García",
    "Nasser",
    "Jansen",
    "Qureshi",
    "Petrova",
    "Zhang",
    "López",
    "Demir",
    "Walsh",
    "Sato",
    "Khan",
    "Fernández",
    "Iyer",
    "Yılmaz",
    "Schmidt",
    "Lindqvist",
    "Mansour",
    "Campbell",
    "Herrera",
    "Nakamura",
    "Rahimi",
    "Bianchi",
    "Kowalski",
    "Andersen",
    "Mehta",
    "Costa",
    "Dubois",
)

# Names written in their own script; the e-mail keeps a Latin local part.
NATIVE_NAMES = (
    ("山田 花子", "hanako.yamada"),
    ("Олег Петров", "oleg.petrov"),
    ("محمد العلي", "mohammed.alali"),
    ("प्रिया शर्मा", "priya.sharma"),
    ("김민준", "minjun.kim"),
    ("Ζωή Παπαδοπούλου", "zoi.papadopoulou"),
)

ORGANIZATION_NAMES = (
    "Northwind Labs",
    "Bluefin Insurance",
    "Harbor & Pine Health",
    "Kestrel Financial",
    "Lumen Retail Group",
    "Orchard Analytics",
)

TEAMS = (
    "Claims Operations",
    "Customer Support",
    "Marketing",
    "Legal",
    "Engineering",
    "Finance",
    "People Ops",
    "Sales",
    "Research",
    "Compliance",
    "Product",
    "Data Platform",
)

BILLING_GROUPS = (
    "Shared services",
    "Go-to-market",
    "Operations",
    "R&D",
    "Corporate",
)

PLAYBOOKS = (
    "Weekly pipeline review",
    "Competitor digest",
    "Board memo draft",
    "Incident summary",
    "Quarterly OKR check-in",
    "Customer call prep",
    "Policy change brief",
    "Release notes roundup",
)

SERVICES = ("web_search", "knowledge_graph", "file_parsing", "vision")

# Each topic gives agent names and the words transcripts are made of.
TOPICS: tuple[dict[str, tuple[str, ...]], ...] = (
    {
        "agents": ("Claims triage", "Claim summariser", "Fraud signal check"),
        "nouns": (
            "claim",
            "policy",
            "adjuster note",
            "deductible",
            "invoice",
            "loss report",
            "coverage clause",
        ),
        "asks": (
            "Summarise claim {n} and flag anything unusual.",
            "Does policy {n} cover water damage from a burst pipe?",
            "Draft a reply to the claimant about the missing invoice.",
            "List the documents still needed for claim {n}.",
        ),
    },
    {
        "agents": (
            "Brand voice checker",
            "Campaign brief writer",
            "SEO headline ideas",
        ),
        "nouns": (
            "headline",
            "campaign",
            "tagline",
            "audience",
            "brand guide",
            "landing page",
            "call to action",
        ),
        "asks": (
            "Rewrite this headline in our brand voice: {n} ways to save.",
            "Give me five taglines for the spring campaign.",
            "Is this paragraph on-brand? Be strict.",
            "Draft a brief for a webinar aimed at CFOs.",
        ),
    },
    {
        "agents": ("Contract clause finder", "NDA reviewer", "Policy Q&A"),
        "nouns": (
            "indemnity clause",
            "term sheet",
            "NDA",
            "liability cap",
            "governing law",
            "renewal date",
            "termination notice",
        ),
        "asks": (
            "Find the limitation of liability in contract {n}.",
            "Compare these two NDAs and list the differences.",
            "What notice period applies to termination for convenience?",
            "Is there an auto-renewal clause in agreement {n}?",
        ),
    },
    {
        "agents": (
            "Release notes writer",
            "Incident postmortem helper",
            "SQL explainer",
        ),
        "nouns": (
            "deployment",
            "migration",
            "query plan",
            "incident",
            "rollback",
            "feature flag",
            "latency spike",
        ),
        "asks": (
            "Explain why this query is slow:\n\nSELECT * FROM orders "
            "WHERE customer_id = {n};",
            "Write release notes for build {n}.",
            "Summarise the incident timeline in five bullets.",
            "Turn this stack trace into a bug report.",
        ),
    },
    {
        "agents": (
            "Benefits assistant",
            "Onboarding buddy 🎉",
            "Job description drafter",
        ),
        "nouns": (
            "benefit plan",
            "onboarding checklist",
            "leave policy",
            "job description",
            "offer letter",
            "payroll date",
        ),
        "asks": (
            "How many days of parental leave do I get?",
            "Draft a job description for a senior data engineer.",
            "What should a new hire do in their first week?",
            "When is the next payroll date after {n} June?",
        ),
    },
    {
        "agents": ("Support reply drafter", "Escalations [v2]", "Ticket tagger"),
        "nouns": (
            "ticket",
            "refund",
            "order",
            "escalation",
            "SLA",
            "shipping delay",
            "account lock",
        ),
        "asks": (
            "Customer says order {n} never arrived. Draft a reply.",
            "Tag this ticket and suggest a priority.",
            "Why was the refund for order {n} rejected?",
            "Write an apology for the outage this morning.",
        ),
    },
)

WRITER_AGENT_NAMES = (
    "Writer Agent",
    "Writer Agent (Finance)",
    "Writer Agent (Research)",
)

PREBUILT_NAMES = (
    "Ask Writer",
    "Summarize a PDF",
    "Translate text",
    "Meeting notes",
    "Email writer",
    "Image analyzer",
)

API_NAMES = (
    "Pricing API bot",
    "Search relevance reranker",
    "Catalog enrichment job",
    "CRM note summariser",
    "Lead scoring service",
    "Doc ingest pipeline",
)

FRAMEWORK_NAMES = (
    "Research crew",
    "Support triage graph",
    "Quarter-close agent",
    "Data QA planner",
    "Vendor risk workflow",
)
