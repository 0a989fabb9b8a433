// `nexus-worker keys …`: personal API keys and the deployment's service keys.
// - generate: new key material for a deployment (worker key pair, API-key signing key),
//   written to files with mode 0600, never printed unless asked for the env lines;
// - rotate: a new worker key in worker-private-key.json, the old one kept as
//   worker-private-key.previous.json, and worker-jwks.json accepting both; `rotate --finish`
//   drops the old one (the JWKS then accepts the new key alone);
// - bootstrap: the operator, signed in as the worker (WORKER_PRIVATE_KEY), makes a person
//   who signed in once the first admin and issues their first key;
// - create / list / revoke: staff manage keys with their own key (NEXUS_API_KEY).
// A new key is written to a file (or shown once on a terminal); it is never an argument.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  generateServiceKeyPair,
  mergeJwks,
  parsePrivateJwk,
  publicJwksOf,
  signWorkerToken,
} from "@nexus/service-auth/service-tokens";
import type { Command } from "commander";
import { ConvexHttpClient } from "convex/browser";
import { api } from "../../../../convex/_generated/api.js";
import { readWorkerKey } from "../auth/credentials.ts";
import { loadCliConfig } from "../config.ts";
import { UsageError } from "./cli-errors.ts";
import type { CommandDeps } from "./document-commands.ts";
import { formatDate, table } from "./format.ts";

/** The key files of a deployment's key folder (`keys generate`, `keys rotate`). */
export function rotationFiles(dir: string) {
  return {
    current: join(dir, "worker-private-key.json"),
    previous: join(dir, "worker-private-key.previous.json"),
    jwks: join(dir, "worker-jwks.json"),
  };
}

function writeSecret(path: string, content: string) {
  if (existsSync(path)) throw new UsageError(`${path} existe déjà : choisissez un autre chemin.`);
  writeFileSync(path, `${content}\n`, { mode: 0o600 });
}

/** Prints a new key once, or writes it to --out: the only time it can be read. */
function handOver(deps: CommandDeps, key: string, out: string | undefined, json: boolean) {
  if (out) {
    writeSecret(out, key);
    return out;
  }
  if (!deps.io.isTTY && !json) {
    throw new UsageError("hors d'un terminal, donnez --out <fichier> pour recevoir la clé.");
  }
  return null;
}

export function registerKeyCommands(program: Command, deps: CommandDeps): void {
  const { io, admin, print, printJson } = deps;
  const keys = program.command("keys").description("clés d'API personnelles et clés de service");

  keys
    .command("generate")
    .description(
      "crée les clés de service d'un déploiement : clé privée du worker, clé de signature des clés d'API",
    )
    .requiredOption("--dir <dossier>", "dossier où écrire les fichiers (créé au besoin)")
    .action(async (opts: { dir: string }) => {
      mkdirSync(opts.dir, { recursive: true });
      const worker = await generateServiceKeyPair();
      const signing = await generateServiceKeyPair();
      writeSecret(join(opts.dir, "worker-private-key.json"), JSON.stringify(worker.privateJwk));
      writeSecret(join(opts.dir, "api-key-signing-key.json"), JSON.stringify(signing.privateJwk));
      writeFileSync(join(opts.dir, "worker-jwks.json"), `${JSON.stringify(worker.publicJwks)}\n`);
      print(
        [
          `Clés écrites dans ${opts.dir} :`,
          "  worker-private-key.json  → WORKER_PRIVATE_KEY_FILE du worker (secret)",
          "  worker-jwks.json         → variable WORKER_JWKS du déploiement Convex (publique)",
          "  api-key-signing-key.json → variable API_KEY_SIGNING_KEY du déploiement Convex (secret)",
          "Par exemple :",
          `  bunx convex env set WORKER_JWKS "$(cat ${join(opts.dir, "worker-jwks.json")})"`,
          `  bunx convex env set API_KEY_SIGNING_KEY "$(cat ${join(opts.dir, "api-key-signing-key.json")})"`,
        ].join("\n"),
      );
    });

  keys
    .command("rotate")
    .description(
      "rotation de la clé du worker : nouvelle clé, l'ancienne gardée à côté, JWKS acceptant les deux ; --finish : la nouvelle seule",
    )
    .requiredOption("--dir <dossier>", "dossier des clés (celui de « keys generate »)")
    .option("--finish", "termine la rotation : l'ancienne clé est retirée du JWKS")
    .action(async (opts: { dir: string; finish?: boolean }) => {
      const files = rotationFiles(opts.dir);
      const readKey = (path: string) => {
        if (!existsSync(path)) throw new UsageError(`${path} introuvable.`);
        return parsePrivateJwk(readFileSync(path, "utf8"), path);
      };
      const setCommand = `bunx convex env set WORKER_JWKS "$(cat ${files.jwks})"`;
      if (opts.finish) {
        const currentKey = readKey(files.current);
        if (!existsSync(files.previous)) {
          throw new UsageError(`${files.previous} introuvable : aucune rotation en cours.`);
        }
        rmSync(files.previous);
        writeFileSync(files.jwks, `${JSON.stringify(publicJwksOf(currentKey))}\n`);
        print(
          [
            `Rotation terminée : ${files.jwks} n'accepte plus que la clé ${currentKey.kid}.`,
            "Appliquez-le (l'ancienne clé est alors refusée) :",
            `  ${setCommand}`,
            "  bunx convex deploy   (auth.config.ts relit WORKER_JWKS au déploiement)",
            "(docker/scripts/deploy.ts fait ces deux étapes.)",
          ].join("\n"),
        );
        return;
      }
      if (existsSync(files.previous)) {
        throw new UsageError(
          `${files.previous} existe : une rotation est en cours (terminez-la avec --finish).`,
        );
      }
      const oldKey = readKey(files.current);
      const fresh = await generateServiceKeyPair();
      renameSync(files.current, files.previous);
      writeFileSync(files.current, `${JSON.stringify(fresh.privateJwk)}\n`, { mode: 0o600 });
      writeFileSync(
        files.jwks,
        `${JSON.stringify(mergeJwks(publicJwksOf(oldKey), fresh.publicJwks))}\n`,
      );
      print(
        [
          `Nouvelle clé du worker dans ${files.current} (kid ${fresh.privateJwk.kid}) ; l'ancienne (kid ${oldKey.kid}) est gardée dans ${files.previous}.`,
          `${files.jwks} accepte les deux. Tout de suite :`,
          `1. ${setCommand}`,
          "   bunx convex deploy        (ou docker/scripts/deploy.ts, qui fait les deux)",
          "2. Redémarrez les workers un à un : chacun lit la nouvelle clé ; les autres, encore sur l'ancienne, restent acceptés.",
          `3. nexus-worker keys rotate --finish --dir ${opts.dir}, puis de nouveau l'étape 1 : l'ancienne clé est refusée.`,
        ].join("\n"),
      );
    });

  keys
    .command("bootstrap")
    .description(
      "premier administrateur : donne le rôle admin à ce compte (connecté une fois) et lui crée une clé (identité du worker)",
    )
    .requiredOption("--email <adresse>", "adresse du compte")
    .option("--label <nom>", "nom de la clé", "clé initiale")
    .option("--out <fichier>", "fichier où écrire la clé (mode 600)")
    .option("--json", "sortie JSON")
    .action(async (opts: { email: string; label: string; out?: string; json?: boolean }) => {
      const config = loadCliConfig(io.env);
      const client = new ConvexHttpClient(config.convexUrl);
      client.setAuth((await signWorkerToken(readWorkerKey(io.env), "cli-bootstrap")).token);
      const created = await client.mutation(api.apiKeys.bootstrap, {
        email: opts.email,
        label: opts.label,
      });
      const file = handOver(deps, created.key, opts.out, Boolean(opts.json));
      if (opts.json) return printJson({ keyId: created.keyId, hint: created.hint, file });
      print(
        file
          ? `Clé ${created.hint} écrite dans ${file} (NEXUS_API_KEY_FILE=${file}).`
          : `Clé d'API (affichée une seule fois) :\n${created.key}`,
      );
    });

  keys
    .command("create")
    .description("crée une clé d'API pour vous, ou pour une autre personne (--user)")
    .requiredOption("--label <nom>", "nom de la clé (ex. « portable »)")
    .option("--user <idCompte>", "identifiant du compte (par défaut : vous)")
    .option("--out <fichier>", "fichier où écrire la clé (mode 600)")
    .option("--json", "sortie JSON")
    .action(async (opts: { label: string; user?: string; out?: string; json?: boolean }) => {
      const created = await admin().createKey({
        label: opts.label,
        userId: opts.user as never,
      });
      const file = handOver(deps, created.key, opts.out, Boolean(opts.json));
      if (opts.json) return printJson({ keyId: created.keyId, hint: created.hint, file });
      print(
        file
          ? `Clé ${created.hint} écrite dans ${file}.`
          : `Clé d'API (affichée une seule fois) :\n${created.key}`,
      );
    });

  keys
    .command("list")
    .description("vos clés d'API (ou celles d'une autre personne avec --user)")
    .option("--user <idCompte>", "identifiant du compte")
    .option("--json", "sortie JSON")
    .action(async (opts: { user?: string; json?: boolean }) => {
      const rows = await admin().listKeys(opts.user);
      if (opts.json) return printJson(rows);
      if (rows.length === 0) return print("Aucune clé.");
      print(
        table(
          ["ID", "NOM", "CLÉ", "CRÉÉE", "DERNIER USAGE", "ÉTAT"],
          rows.map((k) => [
            k._id,
            k.label,
            k.hint,
            formatDate(k.createdAt),
            k.lastUsedAt ? formatDate(k.lastUsedAt) : "—",
            k.revokedAt ? "révoquée" : "active",
          ]),
        ),
      );
    });

  keys
    .command("revoke <idClé>")
    .description("révoque une clé d'API (effet immédiat)")
    .option("--json", "sortie JSON")
    .action(async (keyId: string, opts: { json?: boolean }) => {
      const key = await admin().revokeKey(keyId);
      if (opts.json) return printJson(key);
      print(`Clé ${key.hint} révoquée.`);
    });
}
