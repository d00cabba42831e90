import { createServer, type Server } from "node:net";

/** A mail an SMTP client handed over: its envelope and its data as sent (CRLF lines, dots doubled). */
export interface Received {
  from: string;
  to: string[];
  data: string;
  auth: string | null;
}

/**
 * A small SMTP server for tests, on 127.0.0.1 and a port the system picks: it answers EHLO, AUTH PLAIN,
 * MAIL, RCPT, DATA and QUIT, and keeps each mail. Stopped with close().
 */
export async function startSmtpServer(): Promise<{ port: number; mails: Received[]; close(): Promise<void> }> {
  const mails: Received[] = [];
  const server: Server = createServer((socket) => {
    let buffer = "";
    let mail: Received = { from: "", to: [], data: "", auth: null };
    let inData = false;
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply("220 127.0.0.1 test SMTP");
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      for (let at = buffer.indexOf("\r\n"); at >= 0; at = buffer.indexOf("\r\n")) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            mails.push(mail);
            mail = { from: "", to: [], data: "", auth: mail.auth };
            reply("250 queued");
          } else mail.data += `${line}\r\n`;
          continue;
        }
        const verb = line.split(/[ :]/)[0]?.toUpperCase();
        if (verb === "EHLO") reply("250-127.0.0.1\r\n250 AUTH PLAIN");
        else if (verb === "AUTH") {
          mail.auth = Buffer.from(line.split(" ")[2] ?? "", "base64").toString();
          reply("235 ok");
        } else if (verb === "MAIL") {
          mail.from = /<([^>]*)>/.exec(line)?.[1] ?? "";
          reply("250 ok");
        } else if (verb === "RCPT") {
          mail.to.push(/<([^>]*)>/.exec(line)?.[1] ?? "");
          reply("250 ok");
        } else if (verb === "DATA") {
          inData = true;
          reply("354 go on");
        } else if (verb === "QUIT") {
          reply("221 bye");
          socket.end();
        } else reply("500 unknown command");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { port, mails, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
