using System.Reflection;
using System.Runtime.Loader;
AssemblyLoadContext.Default.Resolving += (ctx, name) =>
{
    Console.Error.WriteLine("resolving " + name);
    if (!string.Equals(name.Name, "NetKit", StringComparison.Ordinal)) return null;
    var alc = new AssemblyLoadContext("NetKit");
    return alc.LoadFromAssemblyPath(Path.Combine(AppContext.BaseDirectory, "NetKit.dll"));
};
Run.Go();
static class Run { public static void Go() => System.Console.WriteLine(NetKit.Hosting.NetKitServices.Echo.Name); }
