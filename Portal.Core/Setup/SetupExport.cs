using System.Globalization;
using System.Text;

namespace Portal.Core.Setup;

/// <summary>A plan as a shell script of AWS CLI commands: the documents written first, then each change in order.</summary>
public static class SetupExport
{
    private const string Delimiter = "PORTAL_DOCUMENT";

    /// <summary>A word for a POSIX shell, quoted so nothing in it is expanded (display names and addresses may hold any character).</summary>
    public static string ShellQuote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>The script; running it makes the changes the plan lists, as apply would.</summary>
    public static string ToShellScript(SetupPlan plan, DateTimeOffset exportedAt)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var script = new StringBuilder()
            .AppendLine("#!/usr/bin/env bash")
            .AppendLine(CultureInfo.InvariantCulture, $"# Session Manager setup for account {plan.AccountId} in {plan.Region}, exported by the Bastion Portal at {exportedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z.")
            .AppendLine("# The commands make the changes the portal's plan listed then; documents are written beside the script first.")
            .AppendLine("set -euo pipefail")
            .AppendLine(CultureInfo.InvariantCulture, $"export AWS_REGION={plan.Region} AWS_DEFAULT_REGION={plan.Region} AWS_PAGER=\"\"  # the AWS CLI v1 reads only the second")
            .AppendLine("export PYTHONUTF8=1 AWS_CLI_FILE_ENCODING=UTF-8  # the documents are UTF-8 (login mails may be Japanese); the CLI v1 reads them in the locale's encoding otherwise")
            .AppendLine("cd \"$(dirname \"$0\")\"");
        var number = 0;
        foreach (var step in plan.Steps)
        {
            number++;
            script.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"# {number}. {step.Title}");
            if (step.Changes.Count == 0)
            {
                script.AppendLine(step.ErrorCode is null ? "# Nothing to change." : $"# Not read ({step.ErrorCode}): plan again once the portal may read it.");
                continue;
            }

            foreach (var (file, content) in step.Documents.Where(d => step.Changes.Any(c => c.CliCommand.Contains($"file://{d.Key}", StringComparison.Ordinal))))
            {
                if (content.Split('\n').Any(line => line.Trim() == Delimiter))
                {
                    throw new InvalidOperationException($"The document {file} holds the script's delimiter line.");
                }

                script.AppendLine(CultureInfo.InvariantCulture, $"cat > {file} <<'{Delimiter}'").AppendLine(content).AppendLine(Delimiter);
            }

            foreach (var change in step.Changes)
            {
                script.AppendLine(CultureInfo.InvariantCulture, $"# {change.Description}").AppendLine(change.CliCommand);
            }
        }

        return script.ToString().ReplaceLineEndings("\n");
    }
}
