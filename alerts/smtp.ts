import { connect as connectPlain, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";

/** Where and how to send mail: an SMTP server (plain, or TLS from the first byte with `tls`), an optional login. */
export interface SmtpServer {
  host: string;
  port: number;
  tls: boolean;
  user?: string;
  password?: string;
  timeoutSeconds: number;
}

export interface Mail {
  from: string;
  to: readonly string[];
  subject: string;
  text: string;
}

/**
 * Sends one plain-text mail over SMTP (RFC 5321): EHLO, AUTH PLAIN when a user is set, MAIL, RCPT, DATA,
 * QUIT. Addresses and the subject may hold no line break (the config refuses them; checked again here),
 * so nothing in them becomes a header or a command. Errors name the server's answer, never the password.
 */
export async function sendMail(server: SmtpServer, mail: Mail): Promise<void> {
  for (const value of [mail.from, mail.subject, ...mail.to])
    if (/[\r\n]/.test(value)) throw new Error("a mail address or subject holds a line break");
  const socket = await open(server);
  const replies = replyReader(socket);
  try {
    await expect(replies, 220, "greeting");
    await command(socket, replies, "EHLO bellwether", 250);
    if (server.user !== undefined) {
      const token = Buffer.from(`\0${server.user}\0${server.password ?? ""}`).toString("base64");
      await command(socket, replies, `AUTH PLAIN ${token}`, 235, "AUTH PLAIN");
    }
    await command(socket, replies, `MAIL FROM:<${mail.from}>`, 250);
    for (const to of mail.to) await command(socket, replies, `RCPT TO:<${to}>`, 250);
    await command(socket, replies, "DATA", 354);
    await command(socket, replies, `${message(mail)}\r\n.`, 250, "the message");
    await command(socket, replies, "QUIT", 221);
  } finally {
    socket.destroy();
  }
}

/** The message: headers, a blank line, the body in CRLF lines with a leading dot doubled (RFC 5321 4.5.2). */
function message(mail: Mail): string {
  const subject = /^[\x20-\x7e]*$/.test(mail.subject) ? mail.subject : `=?UTF-8?B?${Buffer.from(mail.subject).toString("base64")}?=`;
  const headers = [
    `From: <${mail.from}>`,
    `To: ${mail.to.map((t) => `<${t}>`).join(", ")}`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString().replace("GMT", "+0000")}`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
  ];
  const body = mail.text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => (line.startsWith(".") ? `.${line}` : line));
  return [...headers, "", ...body].join("\r\n");
}

function open(server: SmtpServer): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const options = { host: server.host, port: server.port, servername: server.host };
    const socket = server.tls ? connectTls(options) : connectPlain(options);
    socket.setTimeout(server.timeoutSeconds * 1000, () => socket.destroy(new Error(`no answer within ${server.timeoutSeconds} s`)));
    socket.once(server.tls ? "secureConnect" : "connect", () => resolve(socket));
    socket.once("error", reject);
  });
}

/** The server's replies, one at a time: a multi-line reply ("250-…" lines, then "250 …") is one. */
function replyReader(socket: Socket): () => Promise<{ code: number; text: string }> {
  let buffer = "";
  let lines: string[] = [];
  const waiting: ((reply: { code: number; text: string }) => void)[] = [];
  const ready: { code: number; text: string }[] = [];
  let failure: Error | null = null;
  const fail: ((error: Error) => void)[] = [];
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    for (let at = buffer.indexOf("\r\n"); at >= 0; at = buffer.indexOf("\r\n")) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      lines.push(line);
      if (line[3] === "-") continue;
      const reply = { code: Number(line.slice(0, 3)), text: lines.map((l) => l.slice(4)).join(" ") };
      lines = [];
      const next = waiting.shift();
      if (next) next(reply);
      else ready.push(reply);
    }
  });
  const broken = (error: Error) => {
    failure = error;
    for (const f of fail.splice(0)) f(error);
  };
  socket.on("error", broken);
  socket.on("close", () => broken(new Error("the server closed the connection")));
  return () =>
    new Promise((resolve, reject) => {
      const reply = ready.shift();
      if (reply) return resolve(reply);
      if (failure) return reject(failure);
      waiting.push(resolve);
      fail.push(reject);
    });
}

async function expect(next: () => Promise<{ code: number; text: string }>, code: number, what: string): Promise<void> {
  const reply = await next();
  if (reply.code !== code) throw new Error(`SMTP ${what}: the server answered ${reply.code} ${reply.text.slice(0, 200)}`);
}

async function command(socket: Socket, next: () => Promise<{ code: number; text: string }>, line: string, code: number, what?: string) {
  socket.write(`${line}\r\n`);
  // A command is named in an error by its verb: AUTH's token, a password's base64, is never repeated.
  await expect(next, code, what ?? line.split(/[ :]/)[0] ?? line);
}
