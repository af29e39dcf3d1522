using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Portal.Core.ApiTokens;

namespace Portal.Tests.Core.ApiTokens;

/// <summary>A token request's checks speak the language of whoever is validating: the page's person, or English for the API.</summary>
public sealed class ApiTokenRequestTests
{
    [Theory]
    [InlineData("", "Give the token a name.", "A token lives 1 to 365 days.")]
    [InlineData("ja", "トークンに名前を付けてください。", "トークンの有効期間は 1 〜 365 日です。")]
    public void Validation_SaysEachProblem_InTheCurrentLanguage(string culture, string noName, string badDays)
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        var errors = new List<ValidationResult>();
        try
        {
            var request = new ApiTokenRequest { Name = string.Empty, ExpiresInDays = 400 };
            Assert.False(Validator.TryValidateObject(request, new ValidationContext(request), errors, validateAllProperties: true));
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }

        Assert.Equal(noName, Assert.Single(errors, e => e.MemberNames.Contains(nameof(ApiTokenRequest.Name))).ErrorMessage);
        Assert.Equal(badDays, Assert.Single(errors, e => e.MemberNames.Contains(nameof(ApiTokenRequest.ExpiresInDays))).ErrorMessage);
    }
}
