using MudBlazor;

namespace Portal.Web.Components.Layout;

/// <summary>
/// The portal's colours: calm for daily work, with errors and the sandbox standing out. Japanese text takes the
/// system's Japanese font after Roboto (which has no kana or kanji) rather than whatever the browser falls back to.
/// </summary>
internal static class PortalTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f4e79",
            Secondary = "#00897b",
            AppbarBackground = "#1f4e79",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#7fb3e6",
            Secondary = "#4db6ac",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["Roboto", "Helvetica", "Arial", "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Yu Gothic UI", "Meiryo", "Noto Sans CJK JP", "Noto Sans JP", "sans-serif"],
            },
        },
    };
}
