using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Portal.Web.Localization;

/// <summary>MudBlazor's own texts (the pager, pickers, close buttons) in the person's language, from <see cref="Strings"/>.</summary>
internal sealed class PortalMudLocalizer(IStringLocalizer<Strings> strings) : MudLocalizer
{
    public override LocalizedString this[string key] =>
        strings[key] is { ResourceNotFound: false } found ? found : base[key];

    public override LocalizedString this[string key, params object[] arguments] =>
        strings[key, arguments] is { ResourceNotFound: false } found ? found : base[key, arguments];
}
