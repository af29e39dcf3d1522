using System.Globalization;
using System.Text;

namespace Portal.Benchmarks;

/// <summary>
/// Generates realistic Session Manager transcripts for the index benchmark: coloured prompts, directory listings,
/// logs with timestamps, ids and addresses, process lists, JSON, full-screen top and vim, sudo, and now and then
/// a destructive command. Every session is different (seeded by its number), about 50 KB on average.
/// </summary>
internal static class CorpusGenerator
{
    private const string Esc = "\u001b";
    private const char EscChar = '\u001b';
    private static readonly string[] Users = [.. Enumerable.Range(0, 40).Select(i => $"user{i:D2}"), "deploy.bot", "j.smith@example.com", "ops-oncall"];
    private static readonly string[] Instances = [.. Enumerable.Range(0, 12).Select(i => $"i-0{i:x2}{i * 7919 + 0x1000000:x14}")];
    private static readonly string[] Words = "alpha beta gamma delta request response timeout connection refused accepted session token cache miss hit worker queue job retry backoff upstream downstream payload commit rollback deploy release config reload signal healthy unhealthy disk memory cpu latency throughput".Split(' ');
    private static readonly string[] Services = ["nginx", "sshd", "app", "postgresql", "redis", "docker", "amazon-ssm-agent", "crond"];

    /// <summary>The S3 key of session <paramref name="n"/>, without generating its content.</summary>
    public static string Key(int n)
    {
        var random = new Random(n * 7919 + 17);
        return $"sessionmanager/{Identity(random).SessionId}.log";
    }

    /// <summary>
    /// When session <paramref name="n"/> ended, without generating its content: the agent uploads the log then, so
    /// this is also the object's LastModified.
    /// </summary>
    public static DateTimeOffset Ended(int n, DateTimeOffset now)
    {
        var random = new Random(n * 7919 + 17);
        _ = Identity(random);
        return now.AddSeconds(-random.Next(0, 30 * 86400));
    }

    private static (string User, string Instance, string SessionId) Identity(Random random)
    {
        var user = Users[random.Next(Users.Length)];
        var instance = Instances[random.Next(Instances.Length)];
        return (user, instance, $"{user}-{random.NextInt64(0, 1L << 60):x15}{random.Next(256):x2}");
    }

    public static (string Key, string User, string Instance, byte[] Content) Session(int n, DateTimeOffset now)
    {
        var random = new Random(n * 7919 + 17);
        var (user, instance, sessionId) = Identity(random);
        var ended = now.AddSeconds(-random.Next(0, 30 * 86400));
        var host = $"ip-10-0-{random.Next(4)}-{random.Next(2, 250)}";
        var w = new StringBuilder(64 * 1024);
        var stamp = ended.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);
        w.Append(CultureInfo.InvariantCulture, $"Script started on {stamp} [COMMAND=\"cat /var/lib/amazon/ssm/{instance}/session/orchestration/{sessionId}/Standard_Stream/ipcTempFile.log\" <not executed on terminal>]\n");
        var target = 8_000 + random.Next(0, 84_000);
        while (w.Length < target)
        {
            Prompt(w, host);
            switch (random.Next(20))
            {
                case 0 or 1 or 2: Ls(w, random); break;
                case 3 or 4: Log(w, random, host); break;
                case 5: Ps(w, random); break;
                case 6: Df(w); break;
                case 7 or 8: Grep(w, random); break;
                case 9: Journal(w, random, host); break;
                case 10: Curl(w, random); break;
                case 11: Top(w, random); break;
                case 12: Vim(w, random); break;
                case 13: Systemctl(w, random); break;
                case 14: Docker(w, random); break;
                case 15: Command(w, $"cd /var/www/{Words[random.Next(Words.Length)]}"); break;
                case 16: Command(w, $"sudo tail -n 20 /var/log/secure"); Log(w, random, host, 20); break;
                case 17: Command(w, "history | tail -5"); for (var i = 0; i < 5; i++) { Line(w, $"  {random.Next(100, 999)}  {Words[random.Next(Words.Length)]} {random.Next(10000)}"); } break;
                case 18 when random.Next(40) == 0: Command(w, $"sudo rm -rf /var/tmp/build-{random.Next(1 << 30):x8}"); break;
                default: Command(w, "uptime"); Line(w, $" {random.Next(24):D2}:{random.Next(60):D2}:{random.Next(60):D2} up {random.Next(400)} days,  load average: 0.{random.Next(99):D2}, 0.{random.Next(99):D2}, 0.{random.Next(99):D2}"); break;
            }
        }

        Prompt(w, host);
        Command(w, "exit");
        Line(w, "exit");
        w.Append(CultureInfo.InvariantCulture, $"\nScript done on {stamp} [COMMAND_EXIT_CODE=\"0\"]\n");
        return ($"sessionmanager/{sessionId}.log", user, instance, Encoding.UTF8.GetBytes(w.ToString()));
    }

    private static void Prompt(StringBuilder w, string host) => w.Append(CultureInfo.InvariantCulture, $"{Esc}]0;ssm-user@{host}:~\a{Esc}[?2004h[ssm-user@{host} ~]$ ");

    private static void Command(StringBuilder w, string command) => w.Append(command).Append("\r\r\n").Append(EscChar).Append("[?2004l\r");

    private static void Line(StringBuilder w, string text) => w.Append(text).Append("\r\r\n");

    private static void Ls(StringBuilder w, Random r)
    {
        Command(w, "ls -la --color=auto");
        var n = 8 + r.Next(30);
        Line(w, $"total {n * 4}");
        for (var i = 0; i < n; i++)
        {
            var dir = r.Next(4) == 0;
            var name = $"{Words[r.Next(Words.Length)]}-{r.Next(1 << 20):x5}{(dir ? string.Empty : ".log")}";
            Line(w, $"{(dir ? "drwxr-xr-x" : "-rw-r--r--")} 1 ssm-user ssm-user {r.Next(100000),6} Nov {1 + r.Next(27),2} {r.Next(24):D2}:{r.Next(60):D2} {(dir ? $"{Esc}[01;34m{name}{Esc}[0m" : name)}");
        }
    }

    private static void Log(StringBuilder w, Random r, string host, int? lines = null)
    {
        var n = lines ?? 20 + r.Next(60);
        if (lines is null)
        {
            Command(w, $"tail -n {n} /var/log/messages");
        }

        for (var i = 0; i < n; i++)
        {
            var service = Services[r.Next(Services.Length)];
            Line(w, $"Nov {1 + r.Next(27),2} {r.Next(24):D2}:{r.Next(60):D2}:{r.Next(60):D2} {host} {service}[{r.Next(100, 65000)}]: {Words[r.Next(Words.Length)]} {Words[r.Next(Words.Length)]} id={r.NextInt64():x16} from 10.{r.Next(256)}.{r.Next(256)}.{r.Next(256)} port {r.Next(1024, 65535)}");
        }
    }

    private static void Ps(StringBuilder w, Random r)
    {
        Command(w, "ps aux --sort=-%cpu | head -30");
        Line(w, "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND");
        for (var i = 0; i < 29; i++)
        {
            Line(w, $"{(r.Next(3) == 0 ? "root    " : "ssm-user")} {r.Next(1, 65000),7} {r.Next(100),4}.{r.Next(10)} {r.Next(20),4}.{r.Next(10)} {r.Next(1 << 22),7} {r.Next(1 << 20),6} ?        Ssl  Nov{1 + r.Next(27):D2}   {r.Next(60)}:{r.Next(60):D2} /usr/bin/{Services[r.Next(Services.Length)]} --{Words[r.Next(Words.Length)]}={r.Next(1000)}");
        }
    }

    private static void Df(StringBuilder w)
    {
        Command(w, "df -h");
        Line(w, "Filesystem      Size  Used Avail Use% Mounted on");
        Line(w, "/dev/nvme0n1p1   30G   12G   18G  40% /");
        Line(w, "tmpfs           3.9G     0  3.9G   0% /dev/shm");
    }

    private static void Grep(StringBuilder w, Random r)
    {
        var word = Words[r.Next(Words.Length)];
        Command(w, $"grep -n {Esc}[01;31m{word}{Esc}[0m /var/log/app/app.log | tail -20");
        for (var i = 0; i < 20; i++)
        {
            Line(w, $"{Esc}[32m{r.Next(100000)}{Esc}[0m:2026-11-{1 + r.Next(27):D2}T{r.Next(24):D2}:{r.Next(60):D2}:{r.Next(60):D2}Z ERROR request={r.NextInt64():x16}{r.NextInt64():x16} {Esc}[01;31m{word}{Esc}[0m after {r.Next(5000)} ms");
        }
    }

    private static void Journal(StringBuilder w, Random r, string host)
    {
        Command(w, "journalctl -u sshd --since today --no-pager | tail -15");
        for (var i = 0; i < 15; i++)
        {
            Line(w, $"Nov {1 + r.Next(27),2} {r.Next(24):D2}:{r.Next(60):D2}:{r.Next(60):D2} {host} sshd[{r.Next(1000, 65000)}]: Accepted publickey for ec2-user from 10.{r.Next(256)}.{r.Next(256)}.{r.Next(256)} port {r.Next(1024, 65535)} ssh2: RSA SHA256:{Convert.ToBase64String(BitConverter.GetBytes(r.NextInt64()))}");
        }
    }

    private static void Curl(StringBuilder w, Random r)
    {
        Command(w, $"curl -s http://localhost:8080/api/v1/{Words[r.Next(Words.Length)]}/{r.Next(100000)}");
        Line(w, $"{{\"id\":\"{r.NextInt64():x16}\",\"status\":\"{Words[r.Next(Words.Length)]}\",\"items\":[{string.Join(',', Enumerable.Range(0, 5).Select(_ => r.Next(100000)))}],\"latencyMs\":{r.Next(2000)}}}");
    }

    private static void Top(StringBuilder w, Random r)
    {
        Command(w, "top");
        w.Append(EscChar).Append("[?1049h").Append(EscChar).Append("[22;0;0t").Append(EscChar).Append("[1;24r").Append(EscChar).Append("(B").Append(EscChar).Append("[m");
        for (var frame = 0; frame < 3; frame++)
        {
            w.Append(EscChar).Append("[H").Append(EscChar).Append("[2J");
            w.Append(CultureInfo.InvariantCulture, $"top - {r.Next(24):D2}:{r.Next(60):D2}:{r.Next(60):D2} up {r.Next(300)} days,  1 user,  load average: 0.{r.Next(99):D2}, 0.{r.Next(99):D2}, 0.{r.Next(99):D2}");
            for (var i = 2; i <= 22; i++)
            {
                w.Append(CultureInfo.InvariantCulture, $"{Esc}[{i};1H{r.Next(1, 65000),7} ssm-user  20   0 {r.Next(1 << 22),7} {r.Next(1 << 20),6} {r.Next(100),5}.{r.Next(10)} {Services[r.Next(Services.Length)]}");
            }
        }

        w.Append(EscChar).Append("[?1049l").Append(EscChar).Append("[?1l").Append(EscChar).Append('>');
    }

    private static void Vim(StringBuilder w, Random r)
    {
        Command(w, "sudo vim /etc/hosts");
        w.Append(EscChar).Append("[?1049h").Append(EscChar).Append("[H").Append(EscChar).Append("[2J");
        w.Append("127.0.0.1   localhost\r\n");
        w.Append(CultureInfo.InvariantCulture, $"10.0.{r.Next(256)}.{r.Next(256)}  db.internal\r\n");
        for (var i = 3; i < 24; i++)
        {
            w.Append(EscChar).Append("[94m~").Append(EscChar).Append("[0m\r\n");
        }

        w.Append(":wq\r").Append(EscChar).Append("[?1049l");
    }

    private static void Systemctl(StringBuilder w, Random r)
    {
        var service = Services[r.Next(Services.Length)];
        Command(w, $"systemctl status {service} --no-pager");
        Line(w, $"{Esc}[0;1;32m●{Esc}[0m {service}.service - {Words[r.Next(Words.Length)]} service");
        Line(w, $"     Loaded: loaded (/usr/lib/systemd/system/{service}.service; enabled; vendor preset: disabled)");
        Line(w, $"     Active: {Esc}[0;1;32mactive (running){Esc}[0m since Mon 2026-11-{1 + r.Next(27):D2} {r.Next(24):D2}:{r.Next(60):D2}:{r.Next(60):D2} UTC; {r.Next(30)} days ago");
        Line(w, $"   Main PID: {r.Next(1000, 65000)} ({service})");
    }

    private static void Docker(StringBuilder w, Random r)
    {
        Command(w, "docker ps");
        Line(w, "CONTAINER ID   IMAGE          COMMAND                  CREATED        STATUS        PORTS      NAMES");
        for (var i = 0; i < 1 + r.Next(6); i++)
        {
            Line(w, $"{r.NextInt64():x12}   {Words[r.Next(Words.Length)]}:1.{r.Next(30)}   \"/entrypoint.sh\"   {r.Next(30)} days ago   Up {r.Next(30)} days   {r.Next(1024, 9000)}/tcp   {Words[r.Next(Words.Length)]}_{r.Next(10)}");
        }
    }
}
