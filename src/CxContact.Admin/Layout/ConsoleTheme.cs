using MudBlazor;

namespace CxContact.Admin.Layout;

/// <summary>
/// MudBlazor's palette with the status colours darkened until white text on them, and they on white, reach WCAG AA
/// contrast (4.5:1); the defaults (error #f44336, success #4caf50, warning #ff9800, info #2196f3) do not, and axe-core
/// reports them as serious.
/// </summary>
public static class ConsoleTheme
{
    public static readonly MudTheme Value = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3f51b5",
            Error = "#c62828",
            Success = "#2e7d32",
            Warning = "#a04d00",
            Info = "#1565c0",
            TextSecondary = "rgba(0,0,0,0.68)",
            ActionDefault = "rgba(0,0,0,0.68)",
        },
    };
}
