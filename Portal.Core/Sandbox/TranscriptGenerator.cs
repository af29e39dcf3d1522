using System.Globalization;
using System.Text;

namespace Portal.Core.Sandbox;

/// <summary>
/// Writes realistic Session Manager transcripts: what the agent uploads after <c>script</c> replays the pty stream,
/// so prompts with colours and titles, bracketed paste, <c>\r\r\n</c> line ends, backspace edits, a command line
/// longer than the terminal, full-screen vim and top, sudo, <c>rm -rf</c> and Japanese output. Deterministic for
/// a seed, so reseeding writes the same sessions.
/// </summary>
public static class TranscriptGenerator
{
    private const string Esc = "\u001b";
    private const string Host = "ip-10-0-1-23";

    private static readonly Action<Writer, Random>[] Scenarios =
    [
        ListFiles, DiskUsage, SudoTailLog, RemoveBuildCache, EditWithVim, WatchTop, TypoCorrected,
        LongAwsCommand, JapaneseReadme, ServiceStatus, EditEtcHosts, ClearScreen, GrepErrors, SwitchUserRoot,
    ];

    /// <summary>Generates <paramref name="count"/> transcripts for the given users and instances, ending before <paramref name="now"/>.</summary>
    public static IReadOnlyList<GeneratedTranscript> Generate(int count, IReadOnlyList<string> users, IReadOnlyList<string> instanceIds, DateTimeOffset now, int seed = 20261127)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfZero(users.Count);
        ArgumentOutOfRangeException.ThrowIfZero(instanceIds.Count);

        var random = new Random(seed);
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var transcripts = new List<GeneratedTranscript>(count);
        for (var i = 0; i < count; i++)
        {
            var user = users[random.Next(users.Count)];
            var instance = instanceIds[i % 4 == 3 ? random.Next(instanceIds.Count) : 0];
            var sessionId = $"{user}-{random.NextInt64(0, 1L << 60).ToString("x15", CultureInfo.InvariantCulture)}{random.Next(256):x2}";
            var started = today.AddDays(-random.Next(0, 30)).AddHours(random.Next(0, 23)).AddMinutes(random.Next(0, 60)).AddSeconds(random.Next(0, 60));
            if (started > now)
            {
                started = now.AddHours(-1 - (i % 5));
            }

            var writer = new Writer();
            writer.Prompt("~");
            // Every session does some ordinary work, one or two risky or full-screen things, and leaves.
            var picks = Enumerable.Range(0, 2 + random.Next(0, 4)).Select(_ => Scenarios[random.Next(Scenarios.Length)]);
            foreach (var scenario in picks.Prepend(Scenarios[i % Scenarios.Length]))
            {
                scenario(writer, random);
            }

            writer.Command("exit");
            writer.Output("exit");
            var ended = started.AddMinutes(2 + random.Next(0, 55)).AddSeconds(random.Next(0, 60));
            transcripts.Add(new GeneratedTranscript(sessionId, user, instance, started, ended, Frame(sessionId, instance, ended, writer.ToString())));
        }

        return transcripts;
    }

    /// <summary>Wraps a terminal stream as util-linux <c>script</c> does for the SSM agent (every LF becomes CR LF).</summary>
    internal static byte[] Frame(string sessionId, string instanceId, DateTimeOffset at, string stream)
    {
        var stamp = at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $"Script started on {stamp} [COMMAND=\"cat /var/lib/amazon/ssm/{instanceId}/session/orchestration/{sessionId}/Standard_Stream/ipcTempFile.log\" <not executed on terminal>]\n");
        builder.Append(stream.Replace("\n", "\r\n", StringComparison.Ordinal));
        builder.Append(CultureInfo.InvariantCulture, $"\nScript done on {stamp} [COMMAND_EXIT_CODE=\"0\"]\n");
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static void ListFiles(Writer w, Random r)
    {
        w.Command("ls -la --color=always");
        w.Output("total 28");
        w.Output($"drwxr-xr-x 4 ssm-user ssm-user 4096 Nov {10 + r.Next(18)} 06:17 {Esc}[01;34m.{Esc}[0m");
        w.Output($"-rw-r--r-- 1 ssm-user ssm-user 2063 Nov 27 06:17 app.log");
        w.Output($"-rwxr-xr-x 1 ssm-user ssm-user   50 Nov 27 06:17 {Esc}[01;32mdeploy.sh{Esc}[0m");
        w.Output($"lrwxrwxrwx 1 ssm-user ssm-user   15 Nov 27 06:17 {Esc}[01;36mcurrent{Esc}[0m -> releases/2026-11-27");
        w.Output($"drwxr-xr-x 2 ssm-user ssm-user 4096 Nov 27 06:17 {Esc}[01;34mlogs{Esc}[0m");
        w.Prompt("~");
    }

    private static void DiskUsage(Writer w, Random r)
    {
        w.Command("df -h /");
        w.Output("Filesystem      Size  Used Avail Use% Mounted on");
        var used = 40 + r.Next(55);
        w.Output($"/dev/nvme0n1p1   30G   {used * 30 / 100}G   {30 - (used * 30 / 100)}G  {used}% /");
        w.Prompt("~");
    }

    private static void SudoTailLog(Writer w, Random r)
    {
        w.Command("sudo tail -n 3 /var/log/messages");
        w.Output($"Nov 27 06:{r.Next(10, 59)}:01 {Host} systemd[1]: Started Session Manager Agent.");
        w.Output($"Nov 27 06:{r.Next(10, 59)}:12 {Host} amazon-ssm-agent[2211]: INFO Session started");
        w.Output($"Nov 27 06:{r.Next(10, 59)}:13 {Host} kernel: {Esc}[1;31mOut of memory: Killed process 4242 (java){Esc}[0m");
        w.Prompt("~");
    }

    private static void RemoveBuildCache(Writer w, Random r)
    {
        w.Command($"rm -rf /tmp/build-cache-{r.Next(100, 999)}");
        w.Prompt("~");
        w.Command("sudo rm -rf /var/lib/app/releases/2026-10-*");
        w.Prompt("~");
    }

    private static void EditWithVim(Writer w, Random r)
    {
        w.Command("sudo vim /etc/nginx/conf.d/app.conf");
        w.Raw($"{Esc}[?1049h{Esc}[22;0;0t{Esc}[?1h{Esc}={Esc}[H{Esc}[2J");
        w.Raw($"{Esc}[1;1Hserver {{{Esc}[2;1H    listen 80;{Esc}[3;1H    server_name app.internal;{Esc}[4;1H    location / {{");
        w.Raw($"{Esc}[5;1H        proxy_pass http://127.0.0.1:{8000 + r.Next(100)};{Esc}[6;1H    }}{Esc}[7;1H}}");
        for (var row = 8; row < 24; row++)
        {
            w.Raw($"{Esc}[{row};1H{Esc}[94m~{Esc}[0m");
        }

        w.Raw($"{Esc}[24;1H\"/etc/nginx/conf.d/app.conf\" 7L, 121B{Esc}[24;63H1,1{Esc}[11CAll{Esc}[1;1H");
        w.Raw($"{Esc}[2;5H{Esc}[24;1H{Esc}[1m-- INSERT --{Esc}[0m{Esc}[2;15H{Esc}[K    listen 8080;");
        w.Raw($"{Esc}[24;1H{Esc}[K:wq{Esc}[24;1H\"/etc/nginx/conf.d/app.conf\" 7L, 123B written");
        w.Raw($"{Esc}[?1l{Esc}>{Esc}[?1049l{Esc}[23;0;0t");
        w.Prompt("~");
    }

    private static void WatchTop(Writer w, Random r)
    {
        w.Command("top");
        w.Raw($"{Esc}[?1049h{Esc}[?1h{Esc}={Esc}[?25l{Esc}[H{Esc}[2J");
        for (var frame = 0; frame < 2; frame++)
        {
            w.Raw($"{Esc}[H{Esc}(B{Esc}[mtop - 06:{20 + frame}:0{frame} up 3 days,  2 users,  load average: 0.{r.Next(10, 99)}, 0.31, 0.22{Esc}[K\n");
            w.Raw($"Tasks: {Esc}(B{Esc}[m{Esc}[1m 98 {Esc}(B{Esc}[mtotal,{Esc}[1m   1 {Esc}(B{Esc}[mrunning{Esc}[K\n");
            w.Raw($"%Cpu(s):{Esc}[1m  {r.Next(1, 40)}.0 {Esc}(B{Esc}[mus,{Esc}[1m  1.2 {Esc}(B{Esc}[msy{Esc}[K\n{Esc}[K\n");
            w.Raw($"{Esc}[7m    PID USER      PR  NI    VIRT    RES %CPU COMMAND         {Esc}(B{Esc}[m{Esc}[K\n");
            w.Raw($"{Esc}(B{Esc}[m   2211 root      20   0 1402712  31204  {r.Next(0, 9)}.0 amazon-ssm-agent{Esc}[K\n");
            w.Raw($"{Esc}(B{Esc}[m   4242 app       20   0 3512000 812344 {r.Next(10, 99)}.3 java{Esc}[K\n{Esc}[J");
        }

        w.Raw($"{Esc}[?25h{Esc}[?1l{Esc}>{Esc}[?1049l");
        w.Prompt("~");
    }

    private static void TypoCorrected(Writer w, Random r)
    {
        // "sl" typed, erased with two backspaces (readline echoes BS + erase-to-end), then "ls".
        w.Typed("sl\b\u001b[K\b\u001b[Kls");
        w.Output("app.log  current  deploy.sh  logs");
        w.Prompt("~");
    }

    private static void LongAwsCommand(Writer w, Random r)
    {
        w.Command($"aws s3 cp /var/lib/app/exports/report-2026-11-{r.Next(10, 28)}.csv s3://example-reports-archive/finance/2026/11/ --sse AES256 --storage-class STANDARD_IA --region ap-northeast-1");
        w.Output($"upload: exports/report.csv to s3://example-reports-archive/finance/2026/11/report.csv");
        w.Prompt("~");
    }

    private static void JapaneseReadme(Writer w, Random r)
    {
        w.Command("cat README.ja.md");
        w.Output("# 運用手順書");
        w.Output("本番環境のデプロイは必ず承認を得てから実行してください。");
        w.Output($"担当: 運用チーム（内線 {r.Next(1000, 9999)}）");
        w.Prompt("~");
        w.Command("echo \"デプロイ完了 ✅\"");
        w.Output("デプロイ完了 ✅");
        w.Prompt("~");
    }

    private static void ServiceStatus(Writer w, Random r)
    {
        w.Command("systemctl status nginx --no-pager");
        w.Output($"{Esc}[0;1;32m●{Esc}[0m nginx.service - The nginx HTTP and reverse proxy server");
        w.Output($"     Active: {Esc}[0;1;32mactive (running){Esc}[0m since Thu 2026-11-26 21:{r.Next(10, 59)}:03 UTC; 9h ago");
        w.Prompt("~");
    }

    private static void EditEtcHosts(Writer w, Random r)
    {
        w.Command($"echo '10.0.2.{r.Next(2, 250)} db.internal' | sudo tee -a /etc/hosts");
        w.Output("10.0.2.15 db.internal");
        w.Prompt("~");
    }

    private static void ClearScreen(Writer w, Random r)
    {
        w.Command("cat ~/.aws/config");
        w.Output("[default]");
        w.Output("region = ap-northeast-1");
        w.Prompt("~");
        w.Command("clear");
        w.Raw($"{Esc}[H{Esc}[2J{Esc}[3J");
        w.Prompt("~");
    }

    private static void GrepErrors(Writer w, Random r)
    {
        w.Command("grep -c ERROR /var/log/app/app.log");
        w.Output(r.Next(0, 300).ToString(CultureInfo.InvariantCulture));
        w.Prompt("~");
    }

    private static void SwitchUserRoot(Writer w, Random r)
    {
        w.Command("sudo su -");
        w.Raw($"{Esc}]0;root@{Host}:~\a[root@{Host} ~]# ");
        w.Typed("whoami");
        w.Output("root");
        w.Raw($"{Esc}]0;root@{Host}:~\a[root@{Host} ~]# ");
        w.Typed("exit");
        w.Output("logout");
        w.Prompt("~");
    }

    /// <summary>Builds the pty output stream the way bash and readline write it.</summary>
    private sealed class Writer
    {
        private readonly StringBuilder _stream = new();

        public void Prompt(string directory) =>
            _stream.Append(CultureInfo.InvariantCulture, $"{Esc}]0;ssm-user@{Host}:{directory}\a{Esc}[?2004h{Esc}[0;32m[ssm-user@{Host} {Esc}[1;34m{directory}{Esc}[0;32m]$ {Esc}[0m");

        /// <summary>The echo of a command typed without mistakes, then Enter.</summary>
        public void Command(string command) => Typed(command);

        /// <summary>The echo of keystrokes (which may hold edits), then Enter.</summary>
        public void Typed(string echo)
        {
            _stream.Append(echo).Append("\r\n").Append(Esc + "[?2004l\r");
        }

        /// <summary>A line of program output; the pty's onlcr turns its LF into CR LF.</summary>
        public void Output(string line) => _stream.Append(line).Append("\r\n");

        public void Raw(string bytes) => _stream.Append(bytes.Replace("\n", "\r\n", StringComparison.Ordinal));

        public override string ToString() => _stream.ToString();
    }
}
