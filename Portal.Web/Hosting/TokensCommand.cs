using System.Globalization;
using Portal.Core;
using Portal.Core.ApiTokens;
using Portal.Core.Aws;
using Portal.Core.Persistence;
using Portal.Core.Persistence.KeyRing;
using Serilog;
using Serilog.Events;

namespace Portal.Web.Hosting;

/// <summary>
/// <c>tokens issue|list|revoke</c> on the portal's own binary: API tokens without a browser, for the first Admin of a
/// deployment and for automation. It reads the same configuration as the portal, applies pending migrations first,
/// and audits what it does as <c>cli:USER@HOST</c>. The token is the last line of <c>issue</c>'s output; logs go to
/// stderr.
/// </summary>
internal static class TokensCommand
{
    /// <summary>Exit code for a command line that cannot be understood.</summary>
    internal const int Usage = 2;

    private const string Help = """
        Usage:
          tokens issue --person NAME --roles ROLE[,ROLE...] [--days N] [--iam-user NAME] [--name NAME]
          tokens list
          tokens revoke ID
        Roles: Admin, Approver, Auditor, Requester. --days defaults to 7 (at most 365); --iam-user to the person's name.
        The portal's configuration (appsettings.json, ASPNETCORE_ENVIRONMENT, Portal__... variables) says which database.
        """;

    public static bool Matches(string[] args) => args is ["tokens", ..];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args is not ["tokens", var verb, .. var rest] || verb is "-h" or "--help" or "help")
        {
            await error.WriteLineAsync(Help);
            return args is ["tokens", "-h" or "--help" or "help", ..] ? 0 : Usage;
        }

        Dictionary<string, string> named;
        List<string> positional;
        try
        {
            (named, positional) = Parse(rest);
        }
        catch (ArgumentException ex)
        {
            await error.WriteLineAsync($"{ex.Message}\n\n{Help}");
            return Usage;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.AddPortalConfiguration();
        builder.Services.AddSerilog(logger => logger
            .MinimumLevel.Warning()
            .WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose, formatProvider: CultureInfo.InvariantCulture));
        builder.Services.AddPortalCore();
        builder.Services.AddPortalDataProtection();
        await using var app = builder.Build();
        var services = app.Services;
        if (services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PortalAwsOptions>>().Value.Mode == AwsMode.Sandbox)
        {
            await error.WriteLineAsync("Note: Portal:Aws:Mode is Sandbox; this is the sandbox's database, which a fresh sandbox resets.");
        }

        await services.GetRequiredService<IPortalDatabase>().MigrateAsync();
        var tokens = services.GetRequiredService<IApiTokenService>();
        var actor = $"cli:{Environment.UserName}@{Environment.MachineName}";
        try
        {
            return verb switch
            {
                "issue" => await IssueAsync(tokens, named, positional, actor, output, error),
                "list" => await ListAsync(tokens, services.GetRequiredService<TimeProvider>(), positional, output, error),
                "revoke" => await RevokeAsync(tokens, positional, actor, output, error),
                _ => await UnknownAsync(error, $"Unknown verb '{verb}'."),
            };
        }
        catch (ArgumentException ex)
        {
            await error.WriteLineAsync(ex.ParamName is { } name ? ex.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : ex.Message);
            return Usage;
        }
    }

    private static async Task<int> IssueAsync(IApiTokenService tokens, Dictionary<string, string> named, List<string> positional, string actor, TextWriter output, TextWriter error)
    {
        if (positional.Count > 0)
        {
            return await UnknownAsync(error, $"'issue' takes options only, not '{positional[0]}'.");
        }

        if (named.Keys.FirstOrDefault(k => k is not ("person" or "roles" or "days" or "iam-user" or "name")) is { } unknown)
        {
            return await UnknownAsync(error, $"Unknown option --{unknown}.");
        }

        if (!named.TryGetValue("person", out var person) || !named.TryGetValue("roles", out var roles))
        {
            return await UnknownAsync(error, "'issue' needs --person and --roles.");
        }

        var days = 7;
        if (named.TryGetValue("days", out var given) && (!int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out days) || days is < 1 or > ApiTokenRequest.MaxDays))
        {
            return await UnknownAsync(error, $"--days must be a whole number from 1 to {ApiTokenRequest.MaxDays}, not '{given}'.");
        }

        var issued = await tokens.IssueForPersonAsync(
            new PersonTokenRequest(person, roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), days, named.GetValueOrDefault("iam-user"), named.GetValueOrDefault("name")),
            actor);
        var info = issued.Info;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Issued token {info.Id} ({info.Name}): acts as {info.Person} with {string.Join(", ", info.Roles)}, IAM user {info.IamUser}, until {info.ExpiresAt:u}."));
        await output.WriteLineAsync("It is shown once; send it as 'Authorization: Bearer <token>'.");
        await output.WriteLineAsync(issued.Token);
        return 0;
    }

    private static async Task<int> ListAsync(IApiTokenService tokens, TimeProvider time, List<string> positional, TextWriter output, TextWriter error)
    {
        if (positional.Count > 0)
        {
            return await UnknownAsync(error, "'list' takes no arguments.");
        }

        var now = time.GetUtcNow();
        var all = await tokens.ListAsync();
        await output.WriteLineAsync($"{"ID",-36}  {"NAME",-24}  {"ROLES",-32}  {"PERSON",-20}  {"EXPIRES",-20}  STATE");
        foreach (var t in all)
        {
            var state = t.RevokedAt is not null ? "revoked" : t.ExpiresAt <= now ? "expired" : "active";
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{t.Id,-36}  {t.Name,-24}  {string.Join(",", t.Roles),-32}  {t.Person ?? "-",-20}  {t.ExpiresAt,-20:u}  {state}"));
        }

        return 0;
    }

    private static async Task<int> RevokeAsync(IApiTokenService tokens, List<string> positional, string actor, TextWriter output, TextWriter error)
    {
        if (positional is not [var text] || !Guid.TryParse(text, out var id))
        {
            return await UnknownAsync(error, "'revoke' takes one token ID, as 'tokens list' shows it.");
        }

        if (!await tokens.RevokeAsync(id, actor))
        {
            await error.WriteLineAsync($"No active token has the ID {id}.");
            return 1;
        }

        await output.WriteLineAsync($"Revoked token {id}.");
        return 0;
    }

    private static async Task<int> UnknownAsync(TextWriter error, string message)
    {
        await error.WriteLineAsync($"{message}\n\n{Help}");
        return Usage;
    }

    /// <summary>Splits <c>--key value</c> and <c>--key=value</c> options from positional arguments.</summary>
    internal static (Dictionary<string, string> Named, List<string> Positional) Parse(IReadOnlyList<string> args)
    {
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        var positional = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(arg);
                continue;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var key = equals > 0 ? arg[2..equals] : arg[2..];
            string value;
            if (equals > 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                throw new ArgumentException($"--{key} needs a value.");
            }

            if (!named.TryAdd(key, value))
            {
                throw new ArgumentException($"--{key} is given twice.");
            }
        }

        return (named, positional);
    }
}
