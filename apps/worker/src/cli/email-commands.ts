// `nexus-worker emails …`: the family e-mails as staff see them, and the messages a worker
// left half-sent (`unconfirmed`), which staff settle before the e-mail job is retried.
import type { Command } from "commander";
import { UsageError } from "./cli-errors.ts";
import type { CommandDeps } from "./document-commands.ts";
import { formatDate, table, truncate } from "./format.ts";

const STATUS_FR: Record<string, string> = {
  queued: "en file",
  sending: "en cours",
  sent: "envoyé",
  failed: "échec",
  unconfirmed: "à confirmer",
};

export function registerEmailCommands(program: Command, deps: CommandDeps): void {
  const { admin, print, printJson } = deps;
  const emails = program.command("emails").description("e-mails envoyés aux familles");

  emails
    .command("list")
    .description("les e-mails, les plus récents d'abord")
    .option("--unconfirmed", "seulement les envois interrompus, à confirmer")
    .option("--json", "sortie JSON")
    .action(async (opts: { unconfirmed?: boolean; json?: boolean }) => {
      const rows = await admin().listEmails(opts.unconfirmed ? "unconfirmed" : undefined);
      if (opts.json) return printJson(rows);
      if (rows.length === 0) return print("Aucun e-mail.");
      print(
        table(
          ["ID", "DESTINATAIRE", "OBJET", "ÉTAT", "CRÉÉ"],
          rows.map((e) => [
            e._id,
            e.to,
            truncate(e.subject, 40),
            STATUS_FR[e.status] ?? e.status,
            formatDate(e.createdAt),
          ]),
        ),
      );
    });

  emails
    .command("confirm <idEmail>")
    .description("pour un envoi interrompu : il est arrivé (--delivered) ou non (--not-delivered)")
    .option("--delivered", "le message est bien arrivé")
    .option("--not-delivered", "le message n'est pas arrivé : la relance le renverra")
    .option("--json", "sortie JSON")
    .action(
      async (
        emailId: string,
        opts: { delivered?: boolean; notDelivered?: boolean; json?: boolean },
      ) => {
        if (Boolean(opts.delivered) === Boolean(opts.notDelivered)) {
          throw new UsageError("donnez soit --delivered, soit --not-delivered");
        }
        const row = await admin().confirmEmail(emailId, Boolean(opts.delivered));
        if (opts.json) return printJson(row);
        print(
          row.status === "sent"
            ? `E-mail ${row._id} confirmé comme reçu.`
            : `E-mail ${row._id} noté comme non reçu : relancez la tâche d'envoi pour le renvoyer.`,
        );
      },
    );
}
