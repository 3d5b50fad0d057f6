using MudBlazor;

namespace CxContact.Admin.Layout;

/// <summary>
/// MudBlazor's palette with the status colours darkened until white text on them, and they on white, reach WCAG AA
/// contrast (4.5:1), with room for the slight transparency snackbars and chips draw them with; the defaults (error #f44336, success #4caf50, warning #ff9800, info #2196f3) do not, and axe-core
/// reports them as serious.
/// </summary>
public static class ConsoleTheme
{
    public static readonly MudTheme Value = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3f51b5",
            Error = "#b71c1c",
            Success = "#1b5e20",
            Warning = "#8a4b00",
            Info = "#0d47a1",
            TextSecondary = "rgba(0,0,0,0.68)",
            ActionDefault = "rgba(0,0,0,0.68)",
        },
    };
}
