using System.Globalization;
using System.Text.Json.Nodes;
using Portal.Core.Access;
using Portal.Core.Text;

namespace Portal.Tests.Core.Text;

public sealed class PhraseTests
{
    private static readonly CultureInfo Japanese = CultureInfo.GetCultureInfo("ja-JP");

    [Fact]
    public void APhrase_IsEnglishAsItStands_AndJapaneseFromTheResource()
    {
        var phrase = new Phrase("Your access to {0} (grant {1}) has expired.", "i-0abc", 12);

        Assert.Equal("Your access to i-0abc (grant 12) has expired.", phrase.English);
        Assert.Equal(phrase.English, $"{phrase}");
        Assert.Equal("Your access to i-0abc (grant 12) has expired.", phrase.ToString(CultureInfo.GetCultureInfo("en-GB")));
        Assert.Equal("i-0abc へのアクセス（付与 12）の期限が切れました。", phrase.ToString(Japanese));
    }

    [Fact]
    public void APhraseInAPhrase_IsSaidInTheSameLanguage()
    {
        var phrase = new Phrase("{0} asks for {1} on {2} (request {3}): {4}", "dave", GrantPolicy.DurationPhrase(90), "i-0abc", 7, "rotate logs");

        Assert.Equal("dave asks for 1 h 30 min on i-0abc (request 7): rotate logs", phrase.English);
        Assert.Equal("dave さんが i-0abc への 1 時間 30 分 のアクセスを申請しています（申請 7）: rotate logs", phrase.ToString(Japanese));
    }

    [Fact]
    public void APhraseWithoutATranslation_OrInAnotherLanguage_IsEnglish()
    {
        Assert.Equal("Not translated 3", new Phrase("Not translated {0}", 3).ToString(Japanese));
        Assert.Equal("Request 3", new Phrase("Request {0}", 3).ToString(CultureInfo.GetCultureInfo("fr-FR")));
    }

    [Fact]
    public void AnAccessRefusal_IsEnglishForTheApi_AndInThePersonsLanguageForThePage()
    {
        var refused = AccessException.Invalid("reason", new Phrase("Say why you need access."));

        Assert.Equal("Say why you need access.", refused.Message);
        Assert.Equal(["Say why you need access."], refused.Errors["reason"]);
        Assert.Equal(["アクセスが必要な理由を書いてください。"], refused.ErrorsIn(Japanese)["reason"]);
        Assert.Equal("申請 7 はすでに却下です。", new Phrase("Request {0} is {1} already.", 7, new Phrase("denied")).ToString(Japanese));
    }

    [Fact]
    public void AKeptPhrase_ComesBackWithItsValuesAsText_AndSaysTheSame()
    {
        var phrase = new Phrase("{0} was denied by {1}: {2}", new Phrase("Request {0}", 41), "bob", "not tonight");

        var kept = Phrase.FromJson(JsonNode.Parse(phrase.ToJson().ToJsonString()));

        Assert.Equal(phrase.English, kept.English);
        Assert.Equal(phrase.ToString(Japanese), kept.ToString(Japanese));
        Assert.Equal("申請 41 は bob さんにより却下されました: not tonight", kept.ToString(Japanese));
        Assert.Throws<FormatException>(() => Phrase.FromJson(JsonNode.Parse("""{"a":[]}""")));
    }
}
