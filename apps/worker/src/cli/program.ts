// `nexus-worker <command>`: the daemon and the staff's command line for the
// job queue. Tables for people, --json for scripts. Exit codes: 0 ok,
// 1 operation failed, 2 usage error. `start` runs as the worker (WORKER_PRIVATE_KEY);
// every other command acts as the person who owns NEXUS_API_KEY, with their role.
import { createInterface } from "node:readline/promises";
import { jobKinds, jobStatuses, zJobKind, zJobStatus } from "@nexus/shared/jobs";
import { type Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { apiKeyTokens, readApiKey } from "../auth/credentials.ts";
import { ConfigError, loadCliConfig } from "../config.ts";
import { errorMessage } from "../errors.ts";
import { type AdminApi, createAdminApi, type JobEvent, type JobView } from "./admin-api.ts";
import { OperationFailed, UsageError } from "./cli-errors.ts";
import { registerConsistencyCommand } from "./consistency-command.ts";
import { registerDocumentCommands, registerSearchCommand } from "./document-commands.ts";
import { registerEmailCommands } from "./email-commands.ts";
import { formatDate, formatDuration, table, truncate } from "./format.ts";
import { FrenchCommand } from "./french-commander.ts";
import { registerKeyCommands } from "./key-commands.ts";
import { isFinishedJob, JOB_STATUS_FR, jobEventFr, jobProgressText } from "./labels.ts";
import { registerPeopleCommands } from "./people-commands.ts";
import { registerRgpdCommands } from "./rgpd-commands.ts";
import { unreachableMessage } from "./unreachable.ts";

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  /** Terminal width, to keep progress bars on one line. */
  columns?: number;
  /** Asks a yes/no question on the terminal. */
  confirm: (question: string) => Promise<boolean>;
  /** Runs the daemon (only `start` needs it). */
  startWorker: (env: Record<string, string | undefined>) => Promise<number>;
  /** Resolves on Ctrl-C or SIGTERM (`jobs list --follow` stops there). */
  interrupted?: () => Promise<void>;
}

export { UsageError };

export function parseDate(value: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? new Date(`${value}T00:00:00`).getTime()
    : Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new InvalidArgumentError(
      `date invalide « ${value} » (ex. 2025-01-06 ou 2025-01-06T08:00)`,
    );
  }
  return ms;
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("entier positif attendu");
  return n;
}

function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError("entier attendu");
  return n;
}

function parseKind(value: string) {
  const r = zJobKind.safeParse(value);
  if (!r.success) throw new InvalidArgumentError(`type inconnu (connus : ${jobKinds.join(", ")})`);
  return r.data;
}

function parseStatus(value: string) {
  const r = zJobStatus.safeParse(value);
  if (!r.success) {
    throw new InvalidArgumentError(`statut inconnu (connus : ${jobStatuses.join(", ")})`);
  }
  return r.data;
}

const STATUS_FR = JOB_STATUS_FR;

function jobRows(jobs: JobView[]): string[][] {
  return jobs.map((j) => [
    j.id,
    j.kind,
    STATUS_FR[j.status] ?? j.status,
    `${j.attempts}/${j.maxAttempts}`,
    formatDate(j.createdAt),
    formatDate(j.finishedAt),
    j.lastError ? truncate(j.lastError.message, 60) : "",
  ]);
}

const JOB_HEADERS = ["ID", "TYPE", "STATUT", "TENTATIVES", "CRÉÉE", "TERMINÉE", "DERNIÈRE ERREUR"];

function showJob(job: JobView, events: JobEvent[]): string {
  const lines = [
    `Tâche ${job.id}`,
    `  type          ${job.kind}`,
    `  statut        ${STATUS_FR[job.status] ?? job.status}${job.cancelRequested ? " (annulation demandée)" : ""}`,
    `  tentatives    ${job.attempts}/${job.maxAttempts}`,
    `  priorité      ${job.priority}`,
    `  prévue à      ${formatDate(job.runAt)}`,
    `  créée         ${formatDate(job.createdAt)}`,
    `  prise         ${formatDate(job.claimedAt)}${job.leaseOwner ? ` par ${job.leaseOwner}` : ""}`,
    `  terminée      ${formatDate(job.finishedAt)}`,
    `  données       ${JSON.stringify(job.payload)}`,
  ];
  if (job.target) lines.push(`  cible         ${job.target.table} ${job.target.id}`);
  // A finished job shows no stale progress (the last heartbeat's « 40 % »).
  const progress = jobProgressText(job);
  if (progress && !isFinishedJob(job.status)) lines.push(`  progression   ${progress}`);
  if (job.retriedBy) {
    lines.push(`  relancée      ${formatDate(job.retriedAt)} par ${job.retriedBy}`);
  }
  if (job.result !== null && job.result !== undefined) {
    lines.push(`  résultat      ${truncate(JSON.stringify(job.result), 200)}`);
  }
  if (job.lastError) {
    lines.push(`  erreur        ${job.lastError.message}`);
    if (job.lastError.stack) {
      lines.push(
        ...job.lastError.stack
          .split("\n")
          .slice(0, 8)
          .map((l) => `                ${l}`),
      );
    }
  }
  lines.push("", "Événements");
  lines.push(
    table(
      ["DATE", "ÉVÉNEMENT", "DÉTAIL"],
      events.map((e) => [
        formatDate(e.at),
        jobEventFr(e.type),
        truncate(e.message ?? (e.data ? JSON.stringify(e.data) : ""), 90),
      ]),
    ),
  );
  return lines.join("\n");
}

/** A job for --json: a finished job carries no leftover progress from its last heartbeat. */
function jobJson(job: JobView, events?: JobEvent[]) {
  const clean = isFinishedJob(job.status) ? { ...job, progress: undefined } : job;
  return events ? { ...clean, events } : clean;
}

async function listAll(
  api: AdminApi,
  filter: { status?: JobView["status"]; kind?: JobView["kind"]; since?: number },
  limit: number,
): Promise<JobView[]> {
  const out: JobView[] = [];
  let cursor: string | null = null;
  while (out.length < limit) {
    const page: Awaited<ReturnType<AdminApi["listJobs"]>> = await api.listJobs({
      ...filter,
      paginationOpts: { numItems: Math.min(200, limit - out.length), cursor },
    });
    out.push(...page.page);
    if (page.isDone) break;
    cursor = page.continueCursor;
  }
  return out.slice(0, limit);
}

export function buildProgram(io: CliIo): Command {
  const print = (text: string) => io.stdout(`${text}\n`);
  const printJson = (value: unknown) => io.stdout(`${JSON.stringify(value, null, 2)}\n`);
  let cachedApi: AdminApi | null = null;
  const admin = (): AdminApi => {
    if (cachedApi) return cachedApi;
    const config = loadCliConfig(io.env);
    cachedApi = createAdminApi(
      config.convexUrl,
      apiKeyTokens(config.siteUrl, readApiKey(io.env)),
      // The live client's own messages (reconnecting…) go to stderr, in French words.
      { logger: quietConvexLogger(io) },
    );
    return cachedApi;
  };

  const program = new FrenchCommand("nexus-worker")
    .frenchHelp()
    .description("Worker Nexus Réussite et administration de la file de tâches")
    .version("0.1.0", "-V, --version", "affiche la version")
    .showHelpAfterError("(ajoutez --help pour l’aide)")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  program
    .command("start")
    .description("démarre le worker (démon) avec la configuration de l'environnement")
    .action(async () => {
      const code = await io.startWorker(io.env);
      if (code !== 0) throw new OperationFailed("le worker s'est arrêté en erreur");
    });

  const jobs = program.command("jobs").description("consulter et piloter les tâches");

  jobs
    .command("list")
    .description("liste les tâches, les plus récentes d'abord")
    .addOption(new Option("--status <statut>", "filtrer par statut").argParser(parseStatus))
    .addOption(new Option("--kind <type>", "filtrer par type").argParser(parseKind))
    .option("--since <date>", "créées depuis cette date", parseDate)
    .option("--limit <n>", "nombre maximal de tâches", parsePositiveInt, 20)
    .option(
      "--follow",
      "suit les tâches en direct (abonnement) : une ligne par changement, jusqu’à Ctrl-C",
    )
    .option("--json", "sortie JSON (tableau de tâches ; avec --follow, un objet par ligne)")
    .action(async (opts) => {
      if (opts.follow) {
        return await followJobs(
          admin(),
          { status: opts.status, kind: opts.kind, since: opts.since },
          opts.limit,
          { io, json: Boolean(opts.json), print },
        );
      }
      const list = await listAll(
        admin(),
        { status: opts.status, kind: opts.kind, since: opts.since },
        opts.limit,
      );
      if (opts.json) return printJson(list.map((j) => jobJson(j)));
      if (list.length === 0) return print("Aucune tâche.");
      print(table(JOB_HEADERS, jobRows(list)));
    });

  jobs
    .command("show <id>")
    .description("détail d'une tâche avec ses événements")
    .option("--json", "sortie JSON")
    .action(async (id: string, opts) => {
      const { job, events } = await admin().getJob(id);
      if (opts.json) return printJson(jobJson(job, events));
      print(showJob(job, events));
    });

  jobs
    .command("retry [id]")
    .description("relance une tâche échouée ou annulée, ou toutes les tâches échouées (--failed)")
    .option("--failed", "relancer toutes les tâches échouées (avec --kind, --since)")
    .addOption(
      new Option("--kind <type>", "avec --failed : seulement ce type").argParser(parseKind),
    )
    .option("--since <date>", "avec --failed : seulement celles créées depuis", parseDate)
    .option("--yes", "ne pas demander de confirmation")
    .option("--json", "sortie JSON")
    .action(async (id: string | undefined, opts) => {
      if (id && opts.failed) throw new UsageError("donnez soit un identifiant, soit --failed");
      if (!id && !opts.failed) throw new UsageError("donnez un identifiant de tâche ou --failed");
      if (id) {
        if (opts.kind || opts.since) throw new UsageError("--kind et --since vont avec --failed");
        const job = await admin().retry(id);
        if (opts.json) return printJson(jobJson(job));
        return print(`Tâche ${job.id} relancée (${job.kind}).`);
      }
      const failed = await listAll(
        admin(),
        { status: "failed", kind: opts.kind, since: opts.since },
        10_000,
      );
      if (failed.length === 0) {
        if (opts.json) return printJson([]);
        return print("Aucune tâche échouée à relancer.");
      }
      if (!opts.yes) {
        if (!io.isTTY) {
          throw new UsageError(
            `${failed.length} tâche(s) à relancer : ajoutez --yes pour confirmer hors d'un terminal.`,
          );
        }
        if (!(await io.confirm(`Relancer ${failed.length} tâche(s) échouée(s) ? [o/N] `))) {
          return print("Abandon : aucune tâche relancée.");
        }
      }
      const retried: JobView[] = [];
      const errors: string[] = [];
      for (const [i, job] of failed.entries()) {
        try {
          retried.push(await admin().retry(job.id));
        } catch (error) {
          errors.push(`${job.id} : ${errorMessage(error)}`);
        }
        io.stderr(`\r[${i + 1}/${failed.length}] relance en cours…`);
      }
      io.stderr("\n");
      if (opts.json) printJson(retried.map((j) => jobJson(j)));
      else print(`${retried.length} tâche(s) relancée(s).`);
      if (errors.length > 0) {
        throw new OperationFailed(`${errors.length} échec(s) :\n  ${errors.join("\n  ")}`);
      }
    });

  jobs
    .command("cancel <id>")
    .description("annule une tâche en attente, ou demande l'arrêt d'une tâche en cours")
    .option("--json", "sortie JSON")
    .action(async (id: string, opts) => {
      const job = await admin().cancel(id);
      if (opts.json) return printJson(jobJson(job));
      print(
        job.status === "cancelled"
          ? `Tâche ${job.id} annulée.`
          : `Annulation demandée : le worker arrêtera la tâche ${job.id} à son prochain battement.`,
      );
    });

  jobs
    .command("reprocess <cible> <id>")
    .description(
      "crée une nouvelle tâche pour le même objet : bilan <idBilan> | document <idDocument>",
    )
    .option("--json", "sortie JSON")
    .action(async (target: string, id: string, opts) => {
      if (target !== "bilan" && target !== "document") {
        throw new UsageError(`cible inconnue « ${target} » : bilan ou document`);
      }
      const job = await admin().reprocess(target, id);
      if (opts.json) return printJson(jobJson(job));
      print(`Tâche ${job.id} créée (${job.kind}).`);
    });

  jobs
    .command("pause <type>")
    .description("suspend un type de tâche : plus aucun worker n’en prend (en cours : terminées)")
    .option("--reason <texte>", "pourquoi (gardé dans le journal d’audit)")
    .option("--json", "sortie JSON")
    .action(async (kindArg: string, opts) => {
      const kind = kindOrUsage(kindArg);
      const r = await admin().pause(kind, opts.reason);
      if (opts.json) return printJson({ ...r, paused: true });
      print(
        r.changed
          ? `Type ${kind} suspendu : aucun worker n’en prendra avant « jobs resume ${kind} ».`
          : `Type ${kind} déjà suspendu.`,
      );
    });

  jobs
    .command("resume <type>")
    .description("reprend un type de tâche suspendu")
    .option("--json", "sortie JSON")
    .action(async (kindArg: string, opts) => {
      const kind = kindOrUsage(kindArg);
      const r = await admin().resume(kind);
      if (opts.json) return printJson({ ...r, paused: false });
      print(r.changed ? `Type ${kind} repris.` : `Type ${kind} n’était pas suspendu.`);
    });

  jobs
    .command("paused")
    .description("liste les types de tâches suspendus")
    .option("--json", "sortie JSON")
    .action(async (opts) => {
      const pauses = await admin().pauses();
      if (opts.json) return printJson(pauses);
      if (pauses.length === 0) return print("Aucun type suspendu.");
      print(
        table(
          ["TYPE", "SUSPENDU LE", "RAISON"],
          pauses.map((p) => [p.kind, formatDate(p.pausedAt), p.reason ?? ""]),
        ),
      );
    });

  jobs
    .command("enqueue <type>")
    .description("ajoute une tâche (diagnostic), ex. system.echo --payload '{\"sleepMs\":100}'")
    .requiredOption("--payload <json>", "données de la tâche en JSON")
    .option("--priority <n>", "priorité (plus haut = plus tôt)", parseInteger)
    .option("--run-at <date>", "pas avant cette date", parseDate)
    .option("--max-attempts <n>", "tentatives au plus", parsePositiveInt)
    .option("--idempotency-key <clé>", "renvoie la tâche existante si la clé a déjà servi")
    .option("--json", "sortie JSON (la tâche créée)")
    .action(async (kindArg: string, opts) => {
      const kind = { data: kindOrUsage(kindArg) };
      let payload: unknown;
      try {
        payload = JSON.parse(opts.payload);
      } catch {
        throw new UsageError(`--payload n'est pas du JSON valide : ${opts.payload}`);
      }
      const { job, created } = await admin().enqueue({
        kind: kind.data,
        payload,
        priority: opts.priority,
        runAt: opts.runAt,
        maxAttempts: opts.maxAttempts,
        idempotencyKey: opts.idempotencyKey,
      });
      if (opts.json) return printJson(jobJson(job));
      print(created ? `Tâche ${job.id} créée.` : `Tâche existante ${job.id} (même clé).`);
    });

  const deps = { io, admin, print, printJson };
  registerDocumentCommands(program, deps);
  registerSearchCommand(program, deps);
  registerKeyCommands(program, deps);
  registerEmailCommands(program, deps);
  registerConsistencyCommand(program, deps);
  registerPeopleCommands(program, deps);
  registerRgpdCommands(program, deps);

  program
    .command("workers")
    .description("liste les workers connus")
    .option("--json", "sortie JSON")
    .action(async (opts) => {
      const workers = await admin().workers();
      if (opts.json) return printJson(workers);
      if (workers.length === 0) return print("Aucun worker enregistré.");
      print(
        table(
          ["WORKER", "ÉTAT", "HÔTE", "VERSION", "TÂCHES EN COURS", "DÉMARRÉ", "VU"],
          workers.map((w) => [
            w.workerId,
            w.status === "online"
              ? "en ligne"
              : w.status === "stopping"
                ? "arrêt en cours"
                : "hors ligne",
            w.host,
            w.version,
            String(w.currentJobs.length),
            formatDate(w.startedAt),
            formatDate(w.lastSeenAt),
          ]),
        ),
      );
    });

  program
    .command("stats")
    .description(
      "tâches par statut et type, âge de la plus ancienne en attente, taux d'échec, types suspendus",
    )
    .option("--json", "sortie JSON")
    .action(async (opts) => {
      const [stats, paused] = await Promise.all([admin().stats(Date.now()), admin().pauses()]);
      if (opts.json) return printJson({ ...stats, paused });
      const kinds = [...new Set(stats.counts.map((c) => c.kind))];
      const count = (kind: string, status: string) =>
        stats.counts.find((c) => c.kind === kind && c.status === status)?.count ?? 0;
      print(
        table(
          ["TYPE", ...jobStatuses.map((s) => (STATUS_FR[s] ?? s).toUpperCase())],
          kinds.map((k) => [k, ...jobStatuses.map((s) => String(count(k, s)))]),
        ),
      );
      print("");
      print(
        table(
          ["TYPE", "PLUS ANCIENNE DUE", "WORKERS"],
          stats.health.kinds.map((k) => [
            k.kind,
            formatDuration(k.oldestDueAgeMs),
            String(k.workersOnline),
          ]),
        ),
      );
      const h = stats.health.lastHour;
      print("");
      print(`Workers en ligne : ${stats.health.workersOnline}`);
      print(
        `Dernière heure : ${h.completed} terminée(s), ${h.failed} échouée(s), taux d'échec ${Math.round(h.failureRate * 100)} %`,
      );
      // A paused kind piles up on purpose: say so next to the counts.
      if (paused.length > 0) {
        print(
          `Types suspendus : ${paused.map((p) => `${p.kind} (depuis ${formatDate(p.pausedAt)}${p.reason ? `, ${p.reason}` : ""})`).join(", ")} — « jobs resume <type> » pour reprendre`,
        );
      }
    });

  program
    .command("alerts")
    .description("alertes de la file (ouvertes d'abord)")
    .option("--json", "sortie JSON")
    .action(async (opts) => {
      const alerts = await admin().alerts();
      if (opts.json) return printJson(alerts);
      if (alerts.length === 0) return print("Aucune alerte.");
      print(
        table(
          ["OUVERTE", "ÉTAT", "TYPE", "MESSAGE"],
          alerts.map((a) => [
            formatDate(a.openedAt),
            a.status === "open" ? "ouverte" : "résolue",
            a.kind,
            truncate(a.message, 100),
          ]),
        ),
      );
    });

  return program;
}

/** Runs the CLI and returns its exit code (0 ok, 1 operation failed, 2 usage error). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end in "errors" with exit code 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UsageError) {
      io.stderr(`Erreur d'utilisation : ${error.message}\n`);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.stderr(`${error.message}\n`);
      return 2;
    }
    const unreachable = unreachableMessage(error, io.env);
    io.stderr(`Échec : ${unreachable ?? errorMessage(error)}\n`);
    return 1;
  }
}

export function terminalIo(): CliIo {
  return {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    columns: process.stderr.columns,
    confirm: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^(o|oui|y|yes)$/i.test((await rl.question(question)).trim());
      } finally {
        rl.close();
      }
    },
    startWorker: async (env) => (await import("../start.ts")).startWorker(env),
    interrupted: () =>
      new Promise((resolve) => {
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      }),
  };
}

function kindOrUsage(value: string) {
  const kind = zJobKind.safeParse(value);
  if (!kind.success) {
    throw new UsageError(`type inconnu « ${value} » (connus : ${jobKinds.join(", ")})`);
  }
  return kind.data;
}

/** The Convex client's messages on stderr, only warnings and errors. */
function quietConvexLogger(io: CliIo) {
  const line = (...args: unknown[]) =>
    io.stderr(`Convex : ${args.map((a) => (typeof a === "string" ? a : String(a))).join(" ")}\n`);
  return { logVerbose: () => {}, log: () => {}, warn: line, error: line };
}

/** One line per job change: time, id, type, status, progress while running. */
function followLine(job: JobView): string {
  const progress = jobProgressText(job);
  const error =
    job.status === "failed" && job.lastError ? ` — ${truncate(job.lastError.message, 80)}` : "";
  return [
    formatDate(job.updatedAt ?? job.createdAt),
    job.id,
    job.kind,
    STATUS_FR[job.status] ?? job.status,
    ...(progress && job.status === "running" ? [progress] : []),
  ]
    .join("  ")
    .concat(error);
}

/**
 * `jobs list --follow`: the newest jobs matching the filter through a live subscription;
 * the current ones first (oldest first), then a line whenever one appears or changes
 * (status, attempts, progress), until Ctrl-C. A lost subscription is an operation failure.
 */
async function followJobs(
  api: AdminApi,
  filter: { status?: JobView["status"]; kind?: JobView["kind"]; since?: number },
  limit: number,
  out: { io: CliIo; json: boolean; print: (text: string) => void },
): Promise<void> {
  const seen = new Map<string, string>();
  const signature = (j: JobView) =>
    JSON.stringify([j.status, j.attempts, j.cancelRequested ?? false, jobProgressText(j)]);
  let failure: Error | null = null;
  let wake: () => void = () => {};
  const failed = new Promise<void>((resolve) => {
    wake = resolve;
  });
  if (!out.json) {
    out.io.stderr("Suivi des tâches en direct (Ctrl-C pour arrêter)…\n");
  }
  const stop = api.watchJobs(
    { ...filter, paginationOpts: { numItems: Math.min(limit, 200), cursor: null } },
    (jobs) => {
      for (const job of [...jobs].reverse()) {
        const sig = signature(job);
        if (seen.get(job.id) === sig) continue;
        seen.set(job.id, sig);
        if (out.json) {
          out.io.stdout(`${JSON.stringify(jobJson(job))}\n`);
        } else out.print(followLine(job));
      }
    },
    (error) => {
      failure = error;
      wake();
    },
  );
  await Promise.race([out.io.interrupted?.() ?? new Promise<void>(() => {}), failed]);
  await stop();
  if (failure) throw failure;
}
