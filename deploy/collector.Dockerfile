# The standalone collector (a worker: no HTTP). Build from the repository root.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ServiceDefaults/ src/ServiceDefaults/
COPY src/Metrics/ src/Metrics/
COPY src/Collector/ src/Collector/
RUN dotnet publish src/Collector/X0tta6bl4.Ops.Collector.csproj -c Release -o /app

# The collector is a small web host (/health, /health/ready, /metrics on 8080), so the aspnet runtime.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
COPY --from=build /app .
ENTRYPOINT ["dotnet", "X0tta6bl4.Ops.Collector.dll"]
