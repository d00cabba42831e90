import { addDays, addMonths, daysInMonth, isoDate, monthIndexOf } from "../../core/dates.ts";
import {
  awkwardNames,
  type Country,
  channelHealth,
  channels,
  countries,
  csmTeams,
  features,
  firstNames,
  industries,
  industryHealth,
  lastNames,
  nameFirst,
  nameSecond,
  nameSuffix,
  npsComments,
  pooledCsm,
  ticketCategories,
  titles,
} from "./names.ts";
import { clamp, type Random, sigmoid } from "./random.ts";
import { nextId, type Segment, type World } from "./world.ts";

type Interval = 1 | 3 | 12 | 24 | 36;
type Role = keyof typeof titles;

interface Line {
  id: string;
  product: "Core" | "Analytics";
  plan: string;
  start: string;
  interval: Interval;
  quantity: number;
  discount: number;
  /** Term lines end (exclusive) at the term's end; monthly lines stay open until changed. */
  termEnd: string | null;
}

interface Contact {
  id: string;
  role: Role;
  email: string;
  title: string;
  started: string;
  left: string | null;
}

/** USD list price per seat per month; local price lists round the converted price. */
const seatPrice: Record<string, number> = { Starter: 30, Growth: 55, Enterprise: 90, "Add-on": 15 };
const localFactor: Record<string, number> = { USD: 1, EUR: 0.92, GBP: 0.79 };
const usdPerUnit: Record<string, number> = { USD: 1, EUR: 1.08, GBP: 1.27 };

/** Yearly churn at renewal is sigmoid(this − 1.7 × health): larger customers churn less. */
const RENEWAL_CHURN_LOGIT: Record<Segment, number> = { SMB: -1.3, "Mid-Market": -2.2, Enterprise: -3.5 };
/** Yearly chance that a healthy customer with room to grow buys more seats at renewal. */
const RENEWAL_GROWTH_CHANCE: Record<Segment, number> = { SMB: 0.35, "Mid-Market": 0.8, Enterprise: 0.8 };
/** The most seats a customer could buy, as a share of its employees: growth slows as it nears it. */
const SEAT_CEILING: Record<Segment, number> = { SMB: 0.9, "Mid-Market": 0.8, Enterprise: 0.15 };
/** Monthly cancellation hazard of a month-to-month customer of health 0. */
const MONTHLY_CHURN: Record<Segment, number> = { SMB: 0.035, "Mid-Market": 0.012, Enterprise: 0.008 };

/** Response time relative to SMB's standard support. */
const SUPPORT_TIER_SPEED: Record<Segment, number> = { SMB: 1, "Mid-Market": 0.8, Enterprise: 0.5 };

/**
 * Simulates one customer from acquisition to the as-of date. A latent health `h` drifts month by month;
 * usage, tickets, survey scores and milestones are drawn from it, and renewals, churn, expansion and
 * contraction are decided by it, so that churn really follows low usage, bad support and detractors.
 */
export function simulateAccount(world: World, rng: Random, acquiredMonth: number): void {
  const w = world.writers;
  const accountId = nextId(world, "A", 5);
  const segment = rng.weighted<Segment>({ SMB: 0.6, "Mid-Market": 0.3, Enterprise: 0.1 });
  const employees = Math.round(
    segment === "SMB" ? rng.logUniform(5, 99) : segment === "Mid-Market" ? rng.logUniform(100, 999) : rng.logUniform(1000, 12000),
  );
  const industry = rng.weighted(industries);
  const channel = rng.weighted(channels);
  const country = rng.weighted(Object.fromEntries(Object.entries(countries).map(([c, v]) => [c, v.weight])) as Record<Country, number>);
  const { region, currency } = countries[country];
  const baseHealth = rng.normal(0.3, 0.85) + industryHealth[industry] + channelHealth[channel];
  let health = baseHealth + rng.normal(0, 0.3);
  // The level health returns to wanders slowly too (a budget cut, a reorganisation, a rival), so an old
  // customer can sour over a year: slowly enough for a health score to see it coming.
  let level = baseHealth;
  const name = rng.chance(0.03)
    ? `${rng.pick(awkwardNames)}${rng.chance(0.5) ? "" : ` ${accountId.slice(-3)}`}`
    : `${rng.pick(nameFirst)} ${rng.pick(nameSecond)}${(() => {
        const s = rng.pick(nameSuffix);
        return s ? ` ${s}` : "";
      })()}`;
  const techTouch = segment === "SMB" && rng.chance(0.45);
  const owner = techTouch ? pooledCsm : rng.pick(csmTeams[segment]);

  const startDay = rng.chance(0.06) ? 31 : rng.int(1, 28);
  const firstStart = isoDate(acquiredMonth, startDay);
  const createdAt = addDays(firstStart, -rng.int(5, 45));
  w.crm_accounts?.write({
    account_id: accountId,
    name,
    industry,
    employee_count: employees,
    region,
    country,
    owner_csm: owner,
    acquisition_channel: channel,
    created_at: createdAt,
  });

  let plan =
    segment === "SMB"
      ? rng.chance(0.7)
        ? "Starter"
        : "Growth"
      : segment === "Mid-Market"
        ? rng.chance(0.7)
          ? "Growth"
          : "Enterprise"
        : "Enterprise";
  const seatShare =
    segment === "Enterprise" ? rng.uniform(0.01, 0.03) : segment === "SMB" ? rng.uniform(0.15, 0.5) : rng.uniform(0.1, 0.25);
  let seats = Math.max(2, Math.round(employees * seatShare));
  const seatCeiling = Math.max(4, Math.round(employees * SEAT_CEILING[segment]));
  const interval: Interval =
    segment === "SMB"
      ? rng.chance(0.65)
        ? 1
        : 12
      : segment === "Mid-Market"
        ? rng.chance(0.3)
          ? 3
          : 12
        : (Number(rng.weighted({ 12: 0.6, 24: 0.2, 36: 0.2 })) as Interval);
  let discount =
    segment === "SMB"
      ? interval === 12 && rng.chance(0.4)
        ? 0.1
        : 0
      : segment === "Mid-Market"
        ? rng.pick([0, 0.05, 0.1, 0.15])
        : rng.pick([0.1, 0.15, 0.2, 0.25, 0.3]);

  const lines: Line[] = [];
  const contacts: Contact[] = [];
  let addOn = false;

  const price = (p: string) => Math.round((seatPrice[p] ?? 0) * (localFactor[currency] ?? 1));
  const lineMrr = (l: Line) => price(l.plan) * l.quantity * (1 - l.discount);
  const coreSeats = () => lines.filter((l) => l.product === "Core").reduce((sum, l) => sum + l.quantity, 0);
  /** The share of the seat ceiling still unbought: a saturated customer rarely grows. */
  const room = () => clamp(1 - coreSeats() / seatCeiling, 0, 1);
  const open = (
    product: Line["product"],
    linePlan: string,
    start: string,
    iv: Interval,
    quantity: number,
    termEnd: string | null,
  ): Line => {
    const line: Line = { id: nextId(world, "S", 6), product, plan: linePlan, start, interval: iv, quantity, discount, termEnd };
    lines.push(line);
    return line;
  };
  const close = (line: Line, end: string | null) => {
    lines.splice(lines.indexOf(line), 1);
    w.crm_subscriptions?.write({
      subscription_id: line.id,
      account_id: accountId,
      product: line.product,
      plan: line.plan,
      start_date: line.start,
      end_date: end,
      amount: price(line.plan) * line.interval,
      interval_months: line.interval,
      quantity: line.quantity,
      discount: line.discount,
      currency,
    });
  };
  const opportunity = (
    type: string,
    closeDate: string,
    amount: number,
    won: boolean | null,
    source: "sales" | "cs",
    lossReason?: string,
  ) => {
    if (closeDate > world.asOf && won !== null) return;
    w.crm_opportunities?.write({
      opportunity_id: nextId(world, "O", 6),
      account_id: accountId,
      type,
      stage: won === null ? "negotiation" : won ? "closed_won" : "closed_lost",
      amount: Math.round(amount * 100) / 100,
      close_date: closeDate,
      is_won: won,
      source,
      loss_reason: lossReason ?? null,
    });
  };
  const addContact = (role: Role, started: string) => {
    const first = rng.pick(firstNames);
    const last = rng.pick(lastNames);
    const domain = `${
      name
        .toLowerCase()
        .normalize("NFD")
        .replace(/[^a-z0-9]+/g, "")
        .slice(0, 18) || "example"
    }.example`;
    const email = `${first}.${last}@${domain}`.toLowerCase();
    contacts.push({ id: nextId(world, "C", 6), role, email, title: rng.pick(titles[role]), started, left: null });
  };

  // Contacts at the start: one buyer, one or two champions, some power users, the rest users.
  const contactCount = clamp(Math.round(2 + Math.log2(seats) * 1.4), 2, 18);
  for (let i = 0; i < contactCount; i++) {
    const role: Role = i === 0 ? "buyer" : i <= (segment === "SMB" ? 1 : 2) ? "champion" : rng.chance(0.3) ? "power_user" : "user";
    addContact(role, addDays(createdAt, rng.int(0, 30)));
  }

  const termEndFor = (start: string, iv: Interval) => (iv === 1 ? null : addMonths(start, iv));
  const core = open("Core", plan, firstStart, interval, seats, termEndFor(firstStart, interval));
  opportunity("new", addDays(firstStart, -rng.int(3, 20)), lineMrr(core) * 12, true, "sales");

  // Milestones: time to value is slower for unhealthy accounts, and some never get there.
  const milestone = (label: string, date: string) => {
    if (date <= world.asOf) w.crm_milestones?.write({ account_id: accountId, milestone: label, achieved_at: date });
  };
  milestone("kickoff", addDays(firstStart, rng.int(0, 7)));
  milestone("onboarding_complete", addDays(firstStart, Math.round(12 + 40 * sigmoid(-baseHealth) + rng.uniform(0, 10))));
  const reachesValue = rng.chance(sigmoid(1.4 + 1.5 * baseHealth));
  const valueDate = addDays(firstStart, Math.round(Math.exp(rng.normal(Math.log(18 + 45 * sigmoid(-1.2 * baseHealth)), 0.45))));
  if (reachesValue) milestone("value_one", valueDate);
  if (rng.chance(sigmoid(0.3 + baseHealth))) milestone("integration_live", addDays(firstStart, rng.int(20, 120)));

  // What has hurt lately, so that a loss's reason follows its cause. Reasons draw from their own
  // stream: giving them changes nothing else in the book.
  let championLeftMonth: number | null = null;
  let supportPain = 0;
  const reasons = rng.fork("reasons");
  const lossReason = (m: number): string => {
    // Some losses have nothing to do with the service.
    if (reasons.chance(0.2)) return reasons.chance(0.6) ? "budget" : "company acquired";
    return reasons.weighted({
      "low adoption": 0.2 + 1.5 * (1 - sigmoid(0.2 + 1.3 * health)),
      "champion left": championLeftMonth !== null && m - championLeftMonth <= 9 ? 1.6 : 0.03,
      "poor support": 0.03 + 4 * supportPain,
      "switched to competitor": 0.15,
    });
  };

  let returnMonth: number | null = null;
  for (let m = acquiredMonth; m <= world.lastMonth; m++) {
    const monthDays = daysInMonth(m);
    const lastDay = isoDate(m, 31);
    const capDay = m === monthIndexOf(world.asOf) ? Number(world.asOf.slice(8, 10)) : monthDays;

    if (lines.length === 0) {
      if (returnMonth !== m) continue;
      // Reactivation: a churned customer comes back on a fresh monthly or annual contract.
      health = 0.5 * level + rng.normal(0.3, 0.5);
      const start = isoDate(m, rng.int(1, Math.min(28, capDay)));
      const iv: Interval = rng.chance(0.6) ? 1 : 12;
      seats = Math.max(2, Math.round(seats * rng.uniform(0.5, 1)));
      open("Core", plan, start, iv, seats, termEndFor(start, iv));
      opportunity("new", addDays(start, -rng.int(3, 20)), seats * price(plan) * 12, true, "sales");
      returnMonth = null;
    }

    // Renewals of term lines ending this month: renew (with seat changes) or churn together.
    const ending = lines.filter((l) => l.termEnd !== null && monthIndexOf(l.termEnd) === m && l.termEnd <= world.asOf);
    if (ending.length > 0) {
      const termEnd = ending[0]?.termEnd as string;
      // Chances are per year, compounded over the term: a quarterly customer does not roll the dice for
      // a whole year's churn four times a year.
      const years = (ending[0]?.interval ?? 12) / 12;
      const perTerm = (yearly: number) => 1 - (1 - yearly) ** years;
      const logit = RENEWAL_CHURN_LOGIT[segment] - 1.7 * health;
      const renews = !rng.chance(perTerm(sigmoid(logit)));
      const arrBefore = ending.reduce((s, l) => s + lineMrr(l) * 12, 0);
      if (renews) {
        const grow = health > -0.1 && rng.chance(perTerm(RENEWAL_GROWTH_CHANCE[segment]) * room());
        const shrink = !grow && health < -0.3 && rng.chance(perTerm(0.6));
        if (health > 0.6 && rng.chance(0.1)) plan = plan === "Starter" ? "Growth" : "Enterprise";
        // A price concession keeps a customer at risk; a healthy one pays a price rise. In whole percents:
        // 0.1 + 0.05 is 0.15000000000000002 in floating point, which the contract refuses.
        if (rng.chance(0.15)) discount = clamp(Math.round((discount + (health < 0 ? 0.05 : -0.05)) * 100) / 100, 0, 0.35);
        for (const l of ending) {
          close(l, termEnd);
          let quantity = l.quantity;
          if (l.product === "Core") {
            if (grow) quantity = Math.round(quantity * rng.uniform(1.1, 1.5)) + 1;
            if (shrink) quantity = Math.max(1, Math.round(quantity * rng.uniform(0.55, 0.9)));
            seats = quantity;
          }
          open(l.product, l.product === "Core" ? plan : l.plan, termEnd, l.interval, quantity, termEndFor(termEnd, l.interval));
        }
        const arrAfter = lines.reduce((s, l) => s + lineMrr(l) * 12, 0);
        // A renewal signed for less says why, like a lost one.
        opportunity(
          "renewal",
          addDays(termEnd, -rng.int(0, 20)),
          Math.min(arrBefore, arrAfter),
          true,
          segment === "SMB" ? "sales" : "cs",
          arrAfter < arrBefore ? lossReason(m) : undefined,
        );
        if (grow)
          opportunity(
            "expansion",
            addDays(termEnd, -rng.int(0, 20)),
            arrAfter - Math.min(arrBefore, arrAfter),
            true,
            rng.chance(0.7) ? "cs" : "sales",
          );
      } else {
        for (const l of ending) close(l, termEnd);
        opportunity("renewal", addDays(termEnd, -rng.int(0, 25)), arrBefore, false, segment === "SMB" ? "sales" : "cs", lossReason(m));
      }
    }
    for (const l of lines) {
      if (l.termEnd && l.termEnd > world.asOf && monthIndexOf(l.termEnd) === monthIndexOf(world.asOf) + 2 && m === world.lastMonth) {
        opportunity("renewal", l.termEnd, lineMrr(l) * 12, null, segment === "SMB" ? "sales" : "cs");
      }
    }

    // Month-to-month lines: churn or change seats on a day inside the month.
    for (const l of lines.filter((x) => x.interval === 1)) {
      const day = rng.int(1, capDay);
      const date = isoDate(m, day);
      if (date <= l.start) continue;
      if (rng.chance(clamp(MONTHLY_CHURN[segment] * Math.exp(-1.1 * health), 0, 0.5))) {
        const mrrLost = lines.filter((x) => x.interval === 1).reduce((sum, x) => sum + lineMrr(x), 0);
        for (const other of lines.filter((x) => x.interval === 1)) close(other, date);
        // Most cancellations answer the exit survey, which the CRM keeps as a lost renewal.
        if (reasons.chance(0.7)) opportunity("renewal", date, mrrLost * 12, false, "sales", lossReason(m));
        break;
      }
      if (l.product === "Core" && rng.chance(0.04)) {
        // Seats follow health: a healthy customer adds some (while it has room), an unhealthy one cuts.
        const drift = rng.normal(health, 0.7);
        const up = drift > 0.3;
        if (!up && drift > -0.5) continue;
        if (up && !rng.chance(room())) continue;
        const quantity = up
          ? l.quantity + Math.max(1, Math.round(l.quantity * rng.uniform(0.1, 0.4)))
          : Math.max(1, Math.round(l.quantity * rng.uniform(0.6, 0.9)));
        if (quantity === l.quantity) continue;
        close(l, date);
        open("Core", plan, date, 1, quantity, null);
        if (up)
          opportunity(
            "expansion",
            date,
            (quantity - l.quantity) * price(plan) * 12 * (1 - discount),
            true,
            rng.chance(0.6) ? "cs" : "sales",
          );
        seats = quantity;
      }
    }

    // Mid-term expansion (co-termed seats) and the Analytics cross-sell for healthy larger accounts.
    const termCore = lines.find((l) => l.product === "Core" && l.termEnd !== null);
    if (termCore?.termEnd && health > 0.2 && rng.chance(0.02 * room()) && monthIndexOf(termCore.termEnd) > m + 1) {
      const start = isoDate(m, rng.int(1, capDay));
      if (start > termCore.start) {
        const extra = Math.max(1, Math.round(termCore.quantity * rng.uniform(0.1, 0.3)));
        open("Core", termCore.plan, start, termCore.interval, extra, termCore.termEnd);
        opportunity("expansion", start, extra * price(termCore.plan) * 12 * (1 - discount), true, "cs");
      }
    }
    if (!addOn && segment !== "SMB" && health > 0.6 && lines.length > 0 && rng.chance(0.03)) {
      const anchor = lines[0] as Line;
      const start = isoDate(m, rng.int(1, capDay));
      if (start > anchor.start && (!anchor.termEnd || monthIndexOf(anchor.termEnd) > m + 1)) {
        addOn = true;
        const quantity = Math.max(1, Math.round(seats * 0.3));
        open("Analytics", "Add-on", start, anchor.interval, quantity, anchor.termEnd);
        opportunity("cross_sell", start, quantity * price("Add-on") * 12 * (1 - discount), true, "cs");
      }
    }
    // CS raises more expansion leads than close: most die on budget or timing.
    if (health > -0.2 && rng.chance(0.05)) {
      opportunity("expansion", isoDate(m, rng.int(1, capDay)), seats * price(plan) * 3, false, "cs", "budget");
    }

    if (lines.length === 0) {
      if (rng.chance(0.3)) returnMonth = m + rng.int(2, 9);
      continue;
    }

    // What the month looked like from the customer's side. Before the product, help-desk and survey data
    // begin nothing of it is written, but health still moves the same way; finance (the tallies costs are
    // made of) covers every month.
    const recording = m >= world.firstMonth;
    const mrr = lines.reduce((s, l) => s + lineMrr(l), 0);
    const t = world.tally[segment];
    const offset = m - world.foundedMonth;
    t.active[offset] = (t.active[offset] ?? 0) + 1;
    t.mrrUsd[offset] = (t.mrrUsd[offset] ?? 0) + mrr * (usdPerUnit[currency] ?? 1);
    if (m === acquiredMonth) t.new[offset] = (t.new[offset] ?? 0) + 1;
    const seatsNow = lines.filter((l) => l.product === "Core").reduce((s, l) => s + l.quantity, 0);
    const firstDay = m === acquiredMonth ? startDay : 1;
    const dayIn = () => clamp(rng.int(Math.min(firstDay, capDay), capDay), 1, monthDays);
    const stamp = (day: number) =>
      `${isoDate(m, day)}T${String(rng.int(7, 21)).padStart(2, "0")}:${String(rng.int(0, 59)).padStart(2, "0")}:${String(rng.int(0, 59)).padStart(2, "0")}Z`;
    health += emitUsage(world, rng, recording, accountId, seatsNow, health, { first: Math.min(firstDay, capDay), last: capDay }, stamp);
    const supportNudge = emitTickets(world, rng, recording, accountId, segment, seatsNow, health, m, dayIn, stamp);
    health += supportNudge;
    supportPain = 0.7 * supportPain - supportNudge;
    if (recording) emitSurveys(world, rng, accountId, contacts, health, m, dayIn);

    // Relationship: contacts leave, a champion's departure hurts, and is sometimes replaced.
    for (const c of contacts) {
      if (c.left || c.started > lastDay) continue;
      if (rng.chance(0.006 + 0.015 * sigmoid(-health))) {
        c.left = isoDate(m, dayIn());
        if (c.role === "champion") {
          health -= 0.45;
          championLeftMonth = m;
          if (rng.chance(0.5)) addContact("champion", addDays(c.left, rng.int(20, 60)));
        }
      }
    }
    if (!reachesValue && m === acquiredMonth + 3) health -= 0.3;
    // Shocks are all bad news, so a strong pull back to the account's own level keeps old books from decaying.
    level += 0.02 * (baseHealth - level) + rng.normal(0, 0.08);
    health += 0.25 * (level - health) + rng.normal(0, 0.2);
  }
  for (const l of [...lines]) close(l, l.termEnd);
  for (const c of contacts) {
    if (c.started > world.asOf) continue;
    w.crm_contacts?.write({
      contact_id: c.id,
      account_id: accountId,
      email: c.email,
      title: c.title,
      role: c.role,
      started_at: c.started,
      left_at: c.left,
    });
  }
}

/**
 * Product usage: the share of seats active and the features touched rise with health, and so do the
 * days a user comes back in the month (DAU/MAU ≈ mean active days / days in the month). One event per
 * active day: a login, or a feature. Returns a health nudge.
 */
function emitUsage(
  world: World,
  rng: Random,
  recording: boolean,
  accountId: string,
  seats: number,
  health: number,
  days: { first: number; last: number },
  stamp: (day: number) => string,
): number {
  const writer = world.writers.usage_events;
  const utilisation = 0.03 + 0.8 * sigmoid(0.2 + 1.3 * health);
  const active = clamp(Math.round(seats * utilisation + rng.normal(0, Math.sqrt(seats) * 0.3)), 0, seats);
  if (recording) {
    const breadth = 2 + Math.round((features.length - 2) * sigmoid(health - 0.2));
    const offset = rng.int(0, Math.max(0, seats - 1));
    const span = days.last - days.first + 1;
    for (let u = 0; u < active; u++) {
      const userId = `${accountId}-U${String(((offset + u) % seats) + 1).padStart(4, "0")}`;
      const activeDays = Math.min(span, 1 + rng.poisson(1 + 3.5 * sigmoid(health)));
      // distinct days: a partial Fisher–Yates draw over the month's days
      const pool = Array.from({ length: span }, (_, i) => days.first + i);
      for (let d = 0; d < activeDays; d++) {
        const j = rng.int(d, span - 1);
        [pool[d], pool[j]] = [pool[j] as number, pool[d] as number];
        const eventName = d === 0 || rng.chance(0.3) ? "login" : features[rng.int(0, breadth - 1)];
        writer?.write({
          account_id: accountId,
          user_id: userId,
          event_name: eventName,
          occurred_at: stamp(pool[d] as number),
          event_id: nextId(world, "E", 9),
        });
      }
    }
  }
  return active === 0 && seats > 0 ? -0.1 : 0;
}

/** Support: unhealthy accounts file more and more urgent tickets; slow answers to urgent ones hurt. */
function emitTickets(
  world: World,
  rng: Random,
  recording: boolean,
  accountId: string,
  segment: Segment,
  seats: number,
  health: number,
  m: number,
  dayIn: () => number,
  stamp: (day: number) => string,
): number {
  const writer = world.writers.support_tickets;
  const rate = Math.min(12, (0.25 + seats / 90) * (0.6 + 1.2 * sigmoid(-health)));
  const count = rng.poisson(rate);
  let nudge = 0;
  const asOfEnd = Date.parse(`${world.asOf}T23:59:59Z`);
  for (let i = 0; i < count; i++) {
    const priority = rng.weighted(
      health < -0.4 ? { low: 0.15, normal: 0.4, high: 0.28, urgent: 0.17 } : { low: 0.28, normal: 0.47, high: 0.18, urgent: 0.07 },
    );
    const created = stamp(dayIn());
    // Unhealthy accounts wait longer; an urgent or high ticket answered after 8 hours breaches the SLA.
    // Larger plans buy a faster support tier.
    const speed = (priority === "urgent" ? 0.5 : priority === "high" ? 0.8 : 1.5) * SUPPORT_TIER_SPEED[segment];
    const responseHours = Math.exp(rng.normal(Math.log(4), 1)) * speed * (0.25 + 3.5 * sigmoid(-1.5 * health));
    const solveHours = responseHours + Math.exp(rng.normal(Math.log(22), 1));
    const createdMs = Date.parse(created);
    const at = (hours: number) => new Date(createdMs + Math.round(hours * 3600) * 1000).toISOString().replace(".000Z", "Z");
    const responded = createdMs + responseHours * 3_600_000 <= asOfEnd;
    const solved = createdMs + solveHours * 3_600_000 <= asOfEnd;
    const slow = (priority === "urgent" || priority === "high") && responseHours > 8;
    if (slow) nudge -= 0.12;
    const answersCsat = solved && rng.chance(0.55);
    world.ticketsByMonth[m - world.foundedMonth] = (world.ticketsByMonth[m - world.foundedMonth] ?? 0) + 1;
    if (!recording) continue;
    writer?.write({
      ticket_id: nextId(world, "T", 7),
      account_id: accountId,
      created_at: created,
      first_response_at: responded ? at(responseHours) : null,
      solved_at: solved ? at(solveHours) : null,
      priority,
      status: solved ? "solved" : responded ? "pending" : "open",
      category: rng.pick(ticketCategories),
      csat: answersCsat ? clamp(Math.round(3.7 + 0.8 * health - (slow ? 1 : 0) + rng.normal(0, 0.8)), 1, 5) : null,
      ces: answersCsat && rng.chance(0.5) ? clamp(Math.round(4.8 + 0.9 * health + rng.normal(0, 1)), 1, 7) : null,
    });
  }
  // A bad month of support hurts, but a big account filing many tickets should not sink on volume alone.
  return Math.max(nudge, -0.15);
}

/** NPS every quarter from a few contacts, relationship CSAT and CES now and then; detractors are unhealthy. */
function emitSurveys(
  world: World,
  rng: Random,
  accountId: string,
  contacts: Contact[],
  health: number,
  m: number,
  dayIn: () => number,
): void {
  const writer = world.writers.survey_responses;
  const date = () => isoDate(m, dayIn());
  const current = contacts.filter((c) => !c.left && c.started <= isoDate(m, 1));
  const respond = (survey: string, score: number, contactId: string | null, comment: string | null) =>
    writer?.write({
      response_id: nextId(world, "R", 7),
      account_id: accountId,
      contact_id: contactId,
      survey,
      score,
      comment,
      responded_at: date(),
    });
  if (m % 3 === 1) {
    for (const c of current) {
      if (!rng.chance(0.3)) continue;
      const score = clamp(Math.round(7.2 + 2.2 * health + rng.normal(0, 1.5)), 0, 10);
      const kind = score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
      respond("nps", score, c.id, rng.chance(0.35) ? rng.pick(npsComments[kind]) : null);
    }
  }
  const someone = current.length ? rng.pick(current).id : null;
  if (rng.chance(0.12)) respond("csat", clamp(Math.round(3.8 + 0.9 * health + rng.normal(0, 0.8)), 1, 5), someone, null);
  if (rng.chance(0.08)) respond("ces", clamp(Math.round(4.8 + 0.9 * health + rng.normal(0, 1)), 1, 7), someone, null);
}
