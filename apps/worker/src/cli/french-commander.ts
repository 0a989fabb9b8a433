// commander speaks English: its help titles, its default option descriptions and its parse
// errors. FrenchCommand (every subcommand is one, through createCommand) translates them, so
// an operator reads French everywhere; the texts of this CLI's own commands are French already.
import { Command, Help } from "commander";

const TITLES: Record<string, string> = {
  "Usage:": "Utilisation :",
  "Options:": "Options :",
  "Commands:": "Commandes :",
  "Arguments:": "Arguments :",
  "Global Options:": "Options globales :",
};

/** Commander's English error messages → French (matched on the message commander builds). */
const ERRORS: Array<[RegExp, (...groups: string[]) => string]> = [
  [/^error: unknown command '(.*)'/, (name) => `erreur : commande inconnue « ${name} »`],
  [/^error: unknown option '(.*)'/, (flag) => `erreur : option inconnue « ${flag} »`],
  [
    /^error: missing required argument '(.*)'/,
    (name) => `erreur : argument obligatoire manquant « ${name} »`,
  ],
  [
    /^error: option '(.*)' argument missing/,
    (flags) => `erreur : l’option « ${flags} » attend une valeur`,
  ],
  [
    /^error: required option '(.*)' not specified/,
    (flags) => `erreur : l’option obligatoire « ${flags} » est absente`,
  ],
  [
    /^error: option '(.*)' argument '(.*)' is invalid\. ?([\s\S]*)$/,
    (flags, value, why) =>
      `erreur : valeur « ${value} » refusée pour l’option « ${flags} »${why ? ` : ${why}` : ""}`,
  ],
  [
    /^error: command-argument value '(.*)' is invalid for argument '(.*)'\. ?([\s\S]*)$/,
    (value, name, why) =>
      `erreur : valeur « ${value} » refusée pour l’argument « ${name} »${why ? ` : ${why}` : ""}`,
  ],
  [
    /^error: too many arguments(?: for '(.*)')?\. Expected (\d+) arguments? but got (\d+): (.*)\.$/,
    (name, expected, got, details) =>
      `erreur : trop d’arguments${name ? ` pour « ${name} »` : ""} (${expected} attendu(s), ${got} reçu(s) : ${details})`,
  ],
  [
    /^error: (.*) cannot be used with (.*)$/,
    (a, b) => `erreur : ${a} ne peut pas être utilisée avec ${b}`,
  ],
];

const SUGGESTION = /\n\(Did you mean (?:one of )?(.*)\?\)$/;

export function frenchError(message: string): string {
  let suggestion = "";
  const match = SUGGESTION.exec(message);
  let text = message;
  if (match) {
    suggestion = `\n(Vouliez-vous dire ${match[1]} ?)`;
    text = message.slice(0, match.index);
  }
  for (const [pattern, translate] of ERRORS) {
    const m = pattern.exec(text);
    if (m) return translate(...m.slice(1).map((g) => g ?? "")) + suggestion;
  }
  return text.replace(/^error: /, "erreur : ") + suggestion;
}

function frenchExtras(text: string): string {
  return text
    .replace(/\(default: /g, "(par défaut : ")
    .replace(/\(choices: /g, "(valeurs : ")
    .replace(/, default: /g, ", par défaut : ")
    .replace(/\bchoices: /g, "valeurs : ")
    .replace(/\bpreset: /g, "valeur implicite : ")
    .replace(/\benv: /g, "variable : ");
}

class FrenchHelp extends Help {
  override styleTitle(str: string): string {
    return super.styleTitle(TITLES[str] ?? str);
  }
  override commandUsage(cmd: Command): string {
    return super.commandUsage(cmd).replace("[command]", "[commande]");
  }
  override optionDescription(option: Parameters<Help["optionDescription"]>[0]): string {
    return frenchExtras(super.optionDescription(option));
  }
  override argumentDescription(argument: Parameters<Help["argumentDescription"]>[0]): string {
    return frenchExtras(super.argumentDescription(argument));
  }
}

export class FrenchCommand extends Command {
  /** For the root command: French help option and help command (subcommands inherit them). */
  frenchHelp(): this {
    this.helpOption("-h, --help", "affiche l’aide de la commande");
    this.helpCommand("help [commande]", "affiche l’aide d’une commande");
    return this;
  }
  override createCommand(name?: string): FrenchCommand {
    return new FrenchCommand(name);
  }
  override createHelp(): Help {
    return Object.assign(new FrenchHelp(), this.configureHelp());
  }
  override error(message: string, errorOptions?: { code?: string; exitCode?: number }): never {
    return super.error(frenchError(message), errorOptions);
  }
}
