using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Portal.Core.Options;

/// <summary>
/// Data-annotation validation whose messages name the full configuration key, such as
/// <c>Portal:Aws:Region: must be an AWS region code</c>, so a bad setting is found without reading code.
/// </summary>
internal sealed class SectionOptionsValidator<TOptions>(string sectionName) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(results.Select(r =>
        {
            var members = r.MemberNames.Any() ? r.MemberNames : [string.Empty];
            return string.Join("; ", members.Select(m => $"{sectionName}{(m.Length == 0 ? string.Empty : ":" + m)}: {r.ErrorMessage}"));
        }));
    }
}
