// Issue 12.2–12.4: reply trimming, fixture by fixture. Each of Tidings' own `trim-*.eml` fixtures (modelled on
// what Outlook, Windows Mail, Samsung Email, Gmail, Apple Mail, Thunderbird, K-9 Mail and Yahoo send) is parsed
// through the real parseEmail and contentOf, trimmed, and its note text compared exactly. README.md beside the
// fixtures lists them with the same expected text.
import { describe, expect, it } from "vitest";
import { replyNoteBody } from "./content.ts";
import { contentOf, parseEmail } from "./decide.ts";
import { readHeaders } from "./headers.ts";
import { fixtureFiles, mailFixture } from "./testing/fixtures.ts";
import { REPLY_LIMITS, TRIM_RULES, trimReply } from "./trim.ts";

/** [fixture, the note's visible lines, the lines collapsed in its <details> block]. */
const EXPECTED: [string, string[], string[]][] = [
  // Outlook header blocks, plain and bold (HTML), localised (issue 12.2)
  [
    "trim-outlook-en.eml",
    [
      "Hi,",
      "",
      "The printer works again after the restart.",
      "",
      "Best regards,",
      "Ada Lovelace",
      "ACME Ltd | +44 20 7946 0000",
    ],
    [
      "From: Demo Support <support@appmail.example>",
      "Sent: Monday, November 30, 2026 10:00 AM",
      "To: Ada Lovelace <ada@customer.example>",
      "Cc: Charles Babbage <charles@customer.example>",
      "Subject: RE: [demo/app] Toner warnings keep coming back",
      "",
      "Please restart the printer and tell us whether the warning comes back.",
      "",
      "Demo Support",
    ],
  ],
  [
    "trim-outlook-html-bold.eml",
    ["Thanks, the toner warning is gone.", "", "Kind regards,", "", "Grace Hopper"],
    [
      "**From:** Demo Support <support@appmail.example>",
      "**Sent:** Monday, November 30, 2026 10:00 AM",
      "**To:** Grace Hopper <grace@customer.example>",
      "**Subject:** RE: [demo/app] Toner warnings keep coming back",
      "",
      "Please restart the printer and tell us whether the warning comes back.",
    ],
  ],
  [
    "trim-outlook-de.eml",
    ["Hallo,", "", "der Drucker läuft wieder.", "", "Viele Grüße", "Jürgen Weber"],
    [
      "Von: Demo Support <support@appmail.example>",
      "Gesendet: Montag, 30. November 2026 10:00",
      "An: Jürgen Weber <juergen@kunde.example>",
      "Betreff: AW: [demo/app] Tonerwarnung kommt immer wieder",
      "",
      "Bitte starten Sie den Drucker neu.",
    ],
  ],
  [
    "trim-outlook-fr.eml",
    ["Bonjour,", "", "L'imprimante fonctionne de nouveau.", "", "Cordialement,", "Amélie Dupont"],
    [
      "De : Demo Support <support@appmail.example>",
      "Envoyé : lundi 30 novembre 2026 10:00",
      "À : Amélie Dupont <amelie@client.example>",
      "Objet : RE: [demo/app] Avertissement de toner",
      "",
      "Merci de redémarrer l'imprimante.",
    ],
  ],
  [
    "trim-outlook-it.eml",
    ["Buongiorno,", "", "la stampante funziona di nuovo.", "", "Cordiali saluti", "Giulia Rossi"],
    [
      "Da: Demo Support <support@appmail.example>",
      "Inviato: lunedì 30 novembre 2026 10:00",
      "A: Giulia Rossi <giulia@cliente.example>",
      "Oggetto: R: [demo/app] Avviso del toner",
      "",
      "Riavvii la stampante, per favore.",
    ],
  ],
  [
    "trim-outlook-nl.eml",
    ["Hallo,", "", "De printer werkt weer.", "", "Met vriendelijke groet,", "Sanne de Vries"],
    [
      "Van: Demo Support <support@appmail.example>",
      "Verzonden: maandag 30 november 2026 10:00",
      "Aan: Sanne de Vries <sanne@klant.example>",
      "Onderwerp: RE: [demo/app] Tonerwaarschuwing",
      "",
      "Wilt u de printer opnieuw opstarten?",
    ],
  ],
  [
    "trim-outlook-es.eml",
    ["Hola:", "", "La impresora vuelve a funcionar.", "", "Saludos,", "Lucía García"],
    [
      "De: Demo Support <support@appmail.example>",
      "Enviado el: lunes, 30 de noviembre de 2026 10:00",
      "Para: Lucía García <lucia@cliente.example>",
      "Asunto: RE: [demo/app] Aviso de tóner",
      "",
      "Reinicie la impresora, por favor.",
    ],
  ],
  [
    "trim-outlook-pt.eml",
    ["Olá,", "", "A impressora voltou a funcionar.", "", "Atenciosamente,", "João Silva"],
    [
      "De: Demo Support <support@appmail.example>",
      "Enviada em: segunda-feira, 30 de novembro de 2026 10:00",
      "Para: João Silva <joao@cliente.example>",
      "Assunto: RE: [demo/app] Aviso de toner",
      "",
      "Reinicie a impressora, por favor.",
    ],
  ],
  [
    "trim-outlook-web-ru.eml",
    ["Спасибо, принтер снова работает.", "", "", "", "С уважением,", "Иван Петров"],
    [
      "* * *",
      "",
      "**От:** Demo Support <support@appmail.example>",
      "**Отправлено:** 30 ноября 2026 г. 10:00",
      "**Кому:** Иван Петров <ivan@klient.example>",
      "**Тема:** RE: [demo/app] Предупреждение о тонере",
      "",
      "Перезапустите принтер, пожалуйста.",
    ],
  ],
  // '-----Original Message-----' and its translations, Samsung's 'Mensaje original', Windows Mail's rule
  [
    "trim-original-message-en.eml",
    ["Done, thanks.", "", "Ada"],
    [
      "-----Original Message-----",
      "From: Demo Support [mailto:support@appmail.example]",
      "Sent: Monday, November 30, 2026 10:00 AM",
      "To: Ada Lovelace",
      "Subject: RE: [demo/app] Toner warnings keep coming back",
      "",
      "Please restart the printer.",
    ],
  ],
  [
    "trim-original-message-de.eml",
    ["Erledigt, danke."],
    [
      "-----Ursprüngliche Nachricht-----",
      "Von: Demo Support [mailto:support@appmail.example]",
      "Gesendet: Montag, 30. November 2026 10:00",
      "An: Jürgen Weber",
      "Betreff: AW: [demo/app] Tonerwarnung kommt immer wieder",
      "",
      "Bitte starten Sie den Drucker neu.",
    ],
  ],
  [
    "trim-original-message-fr.eml",
    ["C'est fait, merci."],
    [
      "-----Message d'origine-----",
      "De : Demo Support [mailto:support@appmail.example]",
      "Envoyé : lundi 30 novembre 2026 10:00",
      "À : Amélie Dupont",
      "Objet : RE: [demo/app] Avertissement de toner",
      "",
      "Merci de redémarrer l'imprimante.",
    ],
  ],
  [
    "trim-original-message-it.eml",
    ["Fatto, grazie."],
    [
      "-----Messaggio originale-----",
      "Da: Demo Support [mailto:support@appmail.example]",
      "Inviato: lunedì 30 novembre 2026 10:00",
      "A: Giulia Rossi",
      "Oggetto: R: [demo/app] Avviso del toner",
      "",
      "Riavvii la stampante, per favore.",
    ],
  ],
  [
    "trim-samsung-es.eml",
    ["Ya funciona, gracias."],
    [
      "Enviado desde mi Galaxy",
      "",
      "",
      "-------- Mensaje original --------",
      "De: Demo Support <support@appmail.example>",
      "Fecha: 30/11/26 10:00 (GMT+01:00)",
      "Para: Lucía García <lucia@cliente.example>",
      "Asunto: Re: [demo/app] Aviso de tóner",
      "",
      "Reinicie la impresora, por favor.",
    ],
  ],
  [
    "trim-windows-mail.eml",
    ["Thanks, it prints again."],
    [
      "Sent from Mail<https://go.microsoft.com/fwlink/?LinkId=550986> for Windows",
      "",
      "________________________________",
      "From: Demo Support <support@appmail.example>",
      "Sent: Monday, November 30, 2026 10:00:00 AM",
      "To: Ada Lovelace <ada@customer.example>",
      "Subject: Re: [demo/app] Toner warnings keep coming back",
      "",
      "Please restart the printer and tell us whether the warning comes back.",
    ],
  ],
  // 'wrote' lines in twelve languages, date-first and name-first, wrapped over two lines
  [
    "trim-wrote-fr.eml",
    ["Merci, l'avertissement a disparu depuis le redémarrage.", "", "Amélie"],
    [
      "Le lun. 30 nov. 2026 à 10:00, Demo Support <support@appmail.example> a",
      "écrit :",
      "",
      "> Merci de redémarrer l'imprimante et de nous dire si l'avertissement revient.",
      ">",
      "> Demo Support",
    ],
  ],
  [
    "trim-wrote-de.eml",
    ["Danke, seit dem Neustart ist die Warnung weg.", "", "Jürgen"],
    [
      "Demo Support <support@appmail.example> schrieb am Mo., 30. Nov. 2026,",
      "10:00:",
      "",
      "> Bitte starten Sie den Drucker neu und sagen Sie uns, ob die Warnung wiederkommt.",
    ],
  ],
  [
    "trim-wrote-de-thunderbird.eml",
    ["Der Drucker läuft wieder, danke!"],
    ["Am 30.11.26 um 10:00 schrieb Demo Support:", "> Bitte starten Sie den Drucker neu."],
  ],
  [
    "trim-wrote-es.eml",
    ["Gracias, el aviso ya no aparece."],
    [
      "El lun, 30 nov 2026 a las 10:00, Demo Support (<support@appmail.example>)",
      "escribió:",
      "",
      "> Reinicie la impresora y díganos si el aviso vuelve a aparecer.",
    ],
  ],
  [
    "trim-wrote-it.eml",
    ["Grazie, dopo il riavvio l'avviso non è più comparso."],
    [
      "Il giorno lun 30 nov 2026 alle ore 10:00 Demo Support <",
      "support@appmail.example> ha scritto:",
      "",
      "> Riavvii la stampante e ci dica se l'avviso ricompare.",
    ],
  ],
  [
    "trim-wrote-nl.eml",
    ["Bedankt, de waarschuwing is weg."],
    [
      "Op ma 30 nov. 2026 om 10:00 schreef Demo Support <",
      "support@appmail.example>:",
      "",
      "> Wilt u de printer opnieuw opstarten en laten weten of de waarschuwing terugkomt?",
    ],
  ],
  [
    "trim-wrote-pt.eml",
    ["Obrigado, o aviso sumiu depois de reiniciar."],
    [
      "Em seg., 30 de nov. de 2026 às 10:00, Demo Support <",
      "support@appmail.example> escreveu:",
      "",
      "> Reinicie a impressora e diga-nos se o aviso volta a aparecer.",
    ],
  ],
  [
    "trim-wrote-pt-name-first.eml",
    ["Obrigada, já está a funcionar."],
    [
      "Demo Support <support@appmail.example> escreveu no dia segunda,",
      "30/11/2026 à(s) 10:00:",
      "",
      "> Reinicie a impressora, por favor.",
    ],
  ],
  [
    "trim-wrote-ru.eml",
    ["Спасибо, всё работает."],
    ["30.11.2026 10:00, Demo Support пишет:", "> Перезапустите принтер, пожалуйста."],
  ],
  [
    "trim-wrote-ru-gmail.eml",
    ["Спасибо, после перезапуска предупреждение пропало."],
    [
      "пн, 30 нояб. 2026 г. в 10:00, Demo Support <support@appmail.example>:",
      "",
      "> Перезапустите принтер и сообщите, появится ли предупреждение снова.",
    ],
  ],
  [
    "trim-wrote-uk.eml",
    ["Дякую, попередження зникло."],
    [
      "пн, 30 лист. 2026 р. о 10:00 Demo Support <support@appmail.example>",
      "пише:",
      "",
      "> Перезапустіть принтер і повідомте, чи з'явиться попередження знову.",
    ],
  ],
  [
    "trim-wrote-pl.eml",
    ["Dziękuję, ostrzeżenie zniknęło."],
    [
      "pon., 30 lis 2026 o 10:00 Demo Support <support@appmail.example>",
      "napisał(a):",
      "",
      "> Proszę zrestartować drukarkę i dać znać, czy ostrzeżenie wróci.",
    ],
  ],
  [
    "trim-wrote-sv.eml",
    ["Tack, varningen är borta."],
    [
      "Den mån 30 nov. 2026 kl 10:00 skrev Demo Support <",
      "support@appmail.example>:",
      "",
      "> Starta om skrivaren och berätta om varningen kommer tillbaka.",
    ],
  ],
  [
    "trim-wrote-ja.eml",
    ["ありがとうございます。再起動後、警告は出なくなりました。"],
    [
      "2026/11/30 10:00 に Demo Support さんは書きました:",
      "> プリンターを再起動して、警告が再び表示されるか教えてください。",
    ],
  ],
  [
    "trim-wrote-zh.eml",
    ["谢谢，重启后警告消失了。"],
    [
      "Demo Support <support@appmail.example> 于2026年11月30日周一 10:00写道：",
      "",
      "> 请重启打印机，并告诉我们警告是否再次出现。",
    ],
  ],
  [
    "trim-apple-iphone.eml",
    ["Works now, thanks!"],
    [
      "Sent from my iPhone",
      "",
      "> On 30 Nov 2026, at 10:00, Demo Support <support@appmail.example> wrote:",
      ">",
      "> Please restart the printer and tell us whether the warning comes back.",
    ],
  ],
  [
    "trim-top-post-unquoted.eml",
    ["Thanks, all good now.", "", "Ada"],
    [
      "On Monday, 30 November 2026 at 10:00:00 GMT, Demo Support <support@appmail.example> wrote:",
      "",
      "",
      "Please restart the printer and tell us whether the warning comes back.",
    ],
  ],
  // inline and bottom-posted replies keep the quotes they answer (issue 12.3)
  [
    "trim-inline-reply.eml",
    [
      "Hi,",
      "",
      "On 30/11/2026 10:00, Demo Support wrote:",
      "> Which printer model is it?",
      "",
      "HP LaserJet 4000.",
      "",
      "> Is it connected by USB or over the network?",
      "",
      "Over the network, through the office switch.",
    ],
    ["> Best regards,", "> Demo Support"],
  ],
  [
    "trim-bottom-post.eml",
    [
      "On 30 November 2026 10:00:00 CET, Demo Support <support@appmail.example> wrote:",
      ">Please restart the printer and tell us whether the warning comes back.",
      ">",
      ">Demo Support",
      "",
      "Restarted it at 11:00, the warning has not come back.",
    ],
    ["--", "Sent from my Android device with K-9 Mail. Please excuse my brevity."],
  ],
  // a forwarded message is content, not history
  [
    "trim-forwarded-in-reply.eml",
    [
      "Here is what the vendor answered, see below.",
      "",
      "---------- Forwarded message ---------",
      "From: Printer Vendor <help@vendor.example>",
      "Date: Mon, 30 Nov 2026 at 11:00",
      "Subject: Re: Toner warning",
      "To: Ada Lovelace <ada@customer.example>",
      "",
      "",
      "Firmware 4.2 fixes the false toner warning.",
      "",
      "On Mon, 30 Nov 2026 at 10:30, Ada Lovelace <ada@customer.example> wrote:",
      "",
      "> Our printer shows a toner warning every hour.",
      ">",
    ],
    [],
  ],
  [
    "trim-forwarded-apple.eml",
    [
      "FYI, the vendor's answer.",
      "",
      "Begin forwarded message:",
      "",
      "> From: Printer Vendor <help@vendor.example>",
      "> Subject: Re: Toner warning",
      "> Date: 30 November 2026 at 11:00:00 CET",
      "> To: Ada Lovelace <ada@customer.example>",
      ">",
      "> Firmware 4.2 fixes the false toner warning.",
    ],
    [],
  ],
  // signatures: a sign-off stays, a '-- ' signature is collapsed as in GitLab
  [
    "trim-signature-kept.eml",
    ["Thank you, the warning is gone.", "", "Best regards,", "Ada Lovelace", "Head of IT, ACME Ltd"],
    [
      "On Mon, 30 Nov 2026 at 10:00, Demo Support <support@appmail.example> wrote:",
      "",
      "> Please restart the printer and tell us whether the warning comes back.",
    ],
  ],
  [
    "trim-signature-delimiter.eml",
    ["Thanks, that did it."],
    [
      "--",
      "Ada Lovelace",
      "ACME Ltd, Printing Department",
      "",
      "On 30/11/2026 10:00, Demo Support wrote:",
      "> Please restart the printer.",
    ],
  ],
];

const trimmedFixture = async (name: string) => {
  const raw = mailFixture(name);
  return trimReply(contentOf(await parseEmail(raw), raw, readHeaders(raw)).body);
};

describe("reply trimming, Tidings' own fixtures", () => {
  it.each(EXPECTED)("%s", async (file, message, stripped) => {
    const trimmed = await trimmedFixture(file);
    expect(trimmed).toEqual({ message: message.join("\n"), stripped: stripped.join("\n") });
    const note = replyNoteBody(trimmed);
    expect(note).toBe(
      stripped.length === 0
        ? message.join("\n")
        : `${message.join("\n")}\n\n<details><summary>...</summary>\n\n${stripped.join("\n")}\n\n</details>`,
    );
  });

  it("covers every trim-*.eml fixture", () => {
    expect(EXPECTED.map(([f]) => f).sort()).toEqual(fixtureFiles().filter((f) => f.startsWith("trim-")));
  });
});

describe("trimReply's rules", () => {
  it("maps every header label to one field only (the rule list has no contradiction)", () => {
    const fields = new Map<string, string>();
    for (const r of TRIM_RULES) {
      if (r.kind !== "header") continue;
      for (const label of r.labels) {
        expect(fields.get(label.toLowerCase()) ?? r.field).toBe(r.field);
        fields.set(label.toLowerCase(), r.field);
      }
    }
  });

  it("never cuts at a line that merely ends in 'wrote:' when no quote follows it", () => {
    const text = "My colleague wrote:\n\nThe printer needs a new drum.\n\nCan you order one?";
    expect(trimReply(text)).toEqual({ message: text, stripped: "" });
  });

  it("never cuts at a Markdown rule or a lone bullet (GitLab cuts at any line of only -_=*~#+,)", () => {
    const text = "Steps so far:\n\n---\n\n- restarted\n-\n- replaced the toner\n\n***\n\nStill broken.";
    expect(trimReply(text)).toEqual({ message: text, stripped: "" });
  });

  it("keeps an Outlook forward sent without a comment whole (nothing was written above its header block)", () => {
    const text =
      "From: Vendor <help@vendor.example>\nSent: Monday, November 30, 2026 11:00 AM\nTo: Ada\nSubject: Toner\n\nFirmware 4.2 fixes it.";
    expect(trimReply(text)).toEqual({ message: text, stripped: "" });
  });

  it("finds nothing written in a reply of quotes only, with or without an attribution", () => {
    expect(trimReply("On Mon, 30 Nov 2026, Support wrote:\n> Restart it.\n>\n> Support").message).toBe("");
    expect(trimReply("> Restart it.").message).toBe("");
  });

  it("does not let a signature above a forwarded message hide the forward", () => {
    const text =
      "FYI\n\n--\nAda\n\n---------- Forwarded message ---------\nFrom: Vendor <help@vendor.example>\n\nFirmware 4.2.";
    expect(trimReply(text)).toEqual({ message: text, stripped: "" });
  });

  it("trims a quoted history below a signature and the signature with it", () => {
    expect(trimReply("Done.\n\n--\nAda\n\n> Restart it.")).toEqual({
      message: "Done.",
      stripped: "--\nAda\n\n> Restart it.",
    });
  });

  it("trims a trailing quote block that a client's signature follows", () => {
    expect(
      trimReply("Done.\n\nOn Mon, 30 Nov 2026, Support wrote:\n> Restart it.\n\nSent from Yahoo Mail on Android"),
    ).toEqual({
      message: "Done.",
      stripped: "On Mon, 30 Nov 2026, Support wrote:\n> Restart it.\n\nSent from Yahoo Mail on Android",
    });
  });

  it("keeps whole a text beyond REPLY_LIMITS, and stays fast on the largest text it does read", () => {
    const big = `Thanks\n\nOn Mon, Bob wrote:\n${"> quoted line\n".repeat(REPLY_LIMITS.maxChars / 10)}`;
    expect(trimReply(big).stripped).toBe("");
    // Lines built to make the attribution patterns backtrack, just under the limits: must still finish.
    const line = `Am ${" schrieb x".repeat(39)} 2026 <`;
    const hostile = `x\n${`${line}\n`.repeat(Math.floor((REPLY_LIMITS.maxChars - 10) / (line.length + 1)))}`;
    expect(trimReply(hostile).message).toBe(hostile.trim());
  });
});
