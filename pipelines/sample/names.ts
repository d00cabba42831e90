/** Word lists for believable, varied (and sometimes awkward to quote) sample text. */
export const nameFirst = [
  "Acme",
  "Northwind",
  "Blue Harbor",
  "Quantum",
  "Evergreen",
  "Summit",
  "Brightline",
  "Cobalt",
  "Redwood",
  "Lumen",
  "Atlas",
  "Nimbus",
  "Pioneer",
  "Granite",
  "Helix",
  "Vertex",
  "Orchid",
  "Falcon",
  "Meridian",
  "Sierra",
  "Copper",
  "Juniper",
  "Keystone",
  "Polar",
  "Silverline",
  "Tidewater",
  "Aurora",
  "Beacon",
  "Cascade",
  "Driftwood",
];
export const nameSecond = [
  "Analytics",
  "Logistics",
  "Health",
  "Labs",
  "Systems",
  "Retail",
  "Capital",
  "Media",
  "Robotics",
  "Foods",
  "Energy",
  "Learning",
  "Networks",
  "Partners",
  "Studios",
  "Works",
  "Dynamics",
  "Bio",
  "Mobility",
  "Software",
];
export const nameSuffix = ["Inc.", "LLC", "Ltd", "GmbH", "SAS", "B.V.", "Group", "Co.", "plc", ""];
/** Real exports carry names like these; they exercise quoting, Unicode and HTML escaping end to end. */
export const awkwardNames = [
  "Müller & Söhne GmbH",
  "O'Reilly, Patel and Co",
  '"Quoted" Holdings',
  "Société Générale d'Exemple",
  "Zürich Ünited AG",
  "株式会社サンプル",
  "<b>Bold</b> Ventures",
];

export const industries = {
  Software: 0.26,
  "Financial Services": 0.14,
  Healthcare: 0.12,
  Retail: 0.11,
  Manufacturing: 0.1,
  Education: 0.08,
  Media: 0.08,
  Logistics: 0.11,
} as const;

/** Industry tilt of the latent health: some verticals fit the product better. */
export const industryHealth: Record<keyof typeof industries, number> = {
  Software: 0.35,
  "Financial Services": 0.15,
  Healthcare: -0.1,
  Retail: -0.3,
  Manufacturing: 0,
  Education: -0.2,
  Media: -0.05,
  Logistics: 0.1,
};

export const channels = { inbound: 0.38, outbound: 0.22, partner: 0.15, paid: 0.17, event: 0.08 } as const;
export const channelHealth: Record<keyof typeof channels, number> = {
  inbound: 0.2,
  outbound: -0.15,
  partner: 0.25,
  paid: -0.25,
  event: 0,
};

export const countries = {
  US: { region: "North America", currency: "USD", weight: 0.46 },
  CA: { region: "North America", currency: "USD", weight: 0.07 },
  GB: { region: "EMEA", currency: "GBP", weight: 0.12 },
  DE: { region: "EMEA", currency: "EUR", weight: 0.09 },
  FR: { region: "EMEA", currency: "EUR", weight: 0.06 },
  NL: { region: "EMEA", currency: "EUR", weight: 0.04 },
  ES: { region: "EMEA", currency: "EUR", weight: 0.03 },
  IE: { region: "EMEA", currency: "EUR", weight: 0.02 },
  AU: { region: "APAC", currency: "USD", weight: 0.06 },
  SG: { region: "APAC", currency: "USD", weight: 0.03 },
  JP: { region: "APAC", currency: "USD", weight: 0.02 },
} as const;
export type Country = keyof typeof countries;

/** Named CSMs work in segment teams, as CS teams are built: a few large books or many small ones (SMB: one named CSM; the rest of SMB is pooled). */
export const csmTeams = {
  Enterprise: ["Avery Chen", "Jordan Patel", "Sam Okafor", "Riley Novak"],
  "Mid-Market": ["Morgan Silva", "Casey Lindqvist", "Taylor Haddad", "Jamie Moreau", "Alex Kowalski", "Drew Nakamura"],
  SMB: ["Quinn O'Brien"],
} as const;
/** Tech-touch accounts are owned by a pooled team rather than a named CSM. */
export const pooledCsm = "Digital CS";

export const firstNames = [
  "Ana",
  "Ben",
  "Chloé",
  "Dev",
  "Emma",
  "Farid",
  "Grace",
  "Hiro",
  "Ines",
  "Jon",
  "Kai",
  "Lena",
  "Mo",
  "Nia",
  "Omar",
  "Priya",
  "Raj",
  "Sofia",
  "Tom",
  "Uma",
  "Wei",
  "Zoe",
];
export const lastNames = [
  "Smith",
  "Nguyen",
  "Schmidt",
  "Dubois",
  "Rossi",
  "Kim",
  "Novak",
  "Singh",
  "Brown",
  "Lopez",
  "Ivanova",
  "Okafor",
  "Jensen",
  "Sato",
];
export const titles = {
  buyer: ["VP Customer Operations", "Head of Revenue Operations", "CFO", "COO"],
  champion: ["Director of Operations", "Senior Analyst", "Operations Manager", "Team Lead"],
  power_user: ["Analyst", "Operations Specialist", "Data Engineer"],
  user: ["Associate", "Coordinator", "Specialist", "Manager"],
} as const;

export const features = [
  "report_viewed",
  "dashboard_created",
  "export_run",
  "integration_connected",
  "alert_configured",
  "workflow_run",
  "api_call",
] as const;
export const ticketCategories = ["how_to", "bug", "billing", "integration", "performance", "access"] as const;
export const npsComments = {
  promoter: [
    "Love the dashboards, saves us hours every week.",
    "Great support team — fast and friendly.",
    'The API is "just works" good.',
    "Très bien, notre équipe l'adore.",
  ],
  passive: ["Good overall, reporting could be faster.", "Does the job; onboarding took a while.", "Fine, but pricing is steep for us."],
  detractor: [
    "Too slow, and support takes days to answer.",
    "We barely use it; hard to get the team on board.",
    "Integration keeps breaking,\nwe are evaluating alternatives.",
    "Not worth the price <seriously>.",
  ],
};
