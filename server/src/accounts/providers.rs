//! OAuth providers, from the environment: GitHub and Discord by their client id and secret
//! alone, any other by its endpoints (`OAUTH_<ID>_AUTH_URL` and the rest).

use std::collections::BTreeSet;

/// One provider a player can sign in with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provider {
    /// Lower-cased `<ID>` of its variables; part of every account key (`github:12345`).
    pub id: String,
    /// The button says "Sign in with <label>".
    pub label: String,
    /// Where the browser is sent to authorize.
    pub auth_url: String,
    /// Where the server exchanges the code for an access token.
    pub token_url: String,
    /// Where the server reads who signed in.
    pub userinfo_url: String,
    pub client_id: String,
    pub client_secret: String,
    /// What is asked for: only enough to know who the player is.
    pub scopes: Vec<String>,
}

/// Endpoints of the providers known by name, used unless their variables say otherwise.
struct Preset {
    id: &'static str,
    label: &'static str,
    auth_url: &'static str,
    token_url: &'static str,
    userinfo_url: &'static str,
    scopes: &'static str,
}

const PRESETS: [Preset; 2] = [
    Preset {
        id: "github",
        label: "GitHub",
        auth_url: "https://github.com/login/oauth/authorize",
        token_url: "https://github.com/login/oauth/access_token",
        userinfo_url: "https://api.github.com/user",
        // `user:email` reads the verified addresses (`oauth::github_email`).
        scopes: "read:user user:email",
    },
    Preset {
        id: "discord",
        label: "Discord",
        auth_url: "https://discord.com/oauth2/authorize",
        token_url: "https://discord.com/api/oauth2/token",
        userinfo_url: "https://discord.com/api/users/@me",
        scopes: "identify",
    },
];

/// The configured providers, in a stable order (by id).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Providers(Vec<Provider>);

impl Providers {
    pub fn new(providers: Vec<Provider>) -> Self {
        Self(providers)
    }

    /// Every provider whose `OAUTH_<ID>_CLIENT_ID` is among `names`, read through `lookup`.
    /// A provider without a known preset must name all three endpoints.
    pub fn from_env(
        names: impl IntoIterator<Item = String>,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, String> {
        let ids: BTreeSet<String> = names
            .into_iter()
            .filter_map(|name| {
                let id = name.strip_prefix("OAUTH_")?.strip_suffix("_CLIENT_ID")?;
                let well_formed = !id.is_empty()
                    && id
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
                well_formed.then(|| id.to_owned())
            })
            .collect();
        let mut providers = Vec::new();
        for id in ids {
            let var = |field: &str| {
                lookup(&format!("OAUTH_{id}_{field}")).filter(|value| !value.trim().is_empty())
            };
            let Some(client_id) = var("CLIENT_ID") else {
                continue;
            };
            let lower = id.to_ascii_lowercase();
            let preset = PRESETS.iter().find(|preset| preset.id == lower);
            let endpoint = |field: &str, preset_value: Option<&str>| {
                var(field)
                    .or_else(|| preset_value.map(str::to_owned))
                    .ok_or_else(|| format!("OAUTH_{id}_{field} is not set"))
            };
            providers.push(Provider {
                label: var("LABEL")
                    .or_else(|| preset.map(|preset| preset.label.to_owned()))
                    .unwrap_or_else(|| id.clone()),
                auth_url: endpoint("AUTH_URL", preset.map(|preset| preset.auth_url))?,
                token_url: endpoint("TOKEN_URL", preset.map(|preset| preset.token_url))?,
                userinfo_url: endpoint("USERINFO_URL", preset.map(|preset| preset.userinfo_url))?,
                client_secret: var("CLIENT_SECRET")
                    .ok_or_else(|| format!("OAUTH_{id}_CLIENT_SECRET is not set"))?,
                scopes: var("SCOPES")
                    .or_else(|| preset.map(|preset| preset.scopes.to_owned()))
                    .unwrap_or_else(|| "openid profile".to_owned())
                    .split([' ', ','])
                    .filter(|scope| !scope.is_empty())
                    .map(str::to_owned)
                    .collect(),
                client_id,
                id: lower,
            });
        }
        Ok(Self(providers))
    }

    pub fn get(&self, id: &str) -> Option<&Provider> {
        self.0.iter().find(|provider| provider.id == id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Provider> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn providers(vars: &[(&str, &str)]) -> Result<Providers, String> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect();
        Providers::from_env(vars.keys().cloned(), |name| vars.get(name).cloned())
    }

    #[test]
    fn presets_need_only_their_client_id_and_secret() {
        let found = providers(&[
            ("OAUTH_GITHUB_CLIENT_ID", "id"),
            ("OAUTH_GITHUB_CLIENT_SECRET", "secret"),
            ("OAUTH_DISCORD_CLIENT_ID", "id2"),
            ("OAUTH_DISCORD_CLIENT_SECRET", "secret2"),
            ("UNRELATED", "x"),
        ])
        .unwrap();
        let ids: Vec<_> = found.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["discord", "github"]);
        let github = found.get("github").unwrap();
        assert_eq!(github.label, "GitHub");
        assert_eq!(github.userinfo_url, "https://api.github.com/user");
        assert_eq!(github.scopes, ["read:user", "user:email"]);
    }

    #[test]
    fn any_other_provider_names_its_endpoints_label_and_scopes() {
        let found = providers(&[
            ("OAUTH_LOCAL_ID_CLIENT_ID", "id"),
            ("OAUTH_LOCAL_ID_CLIENT_SECRET", "secret"),
            ("OAUTH_LOCAL_ID_AUTH_URL", "http://127.0.0.1:9/authorize"),
            ("OAUTH_LOCAL_ID_TOKEN_URL", "http://127.0.0.1:9/token"),
            ("OAUTH_LOCAL_ID_USERINFO_URL", "http://127.0.0.1:9/userinfo"),
            ("OAUTH_LOCAL_ID_SCOPES", "openid email,profile"),
            ("OAUTH_LOCAL_ID_LABEL", "Local ID"),
        ])
        .unwrap();
        let local = found.get("local_id").unwrap();
        assert_eq!(local.label, "Local ID");
        assert_eq!(local.scopes, ["openid", "email", "profile"]);
        assert_eq!(local.token_url, "http://127.0.0.1:9/token");
    }

    #[test]
    fn a_provider_missing_an_endpoint_or_secret_is_an_error() {
        let missing_endpoint = providers(&[
            ("OAUTH_ACME_CLIENT_ID", "id"),
            ("OAUTH_ACME_CLIENT_SECRET", "secret"),
        ]);
        assert!(missing_endpoint
            .unwrap_err()
            .contains("OAUTH_ACME_AUTH_URL"));
        let missing_secret = providers(&[("OAUTH_GITHUB_CLIENT_ID", "id")]);
        assert!(missing_secret.unwrap_err().contains("CLIENT_SECRET"));
        assert!(providers(&[]).unwrap().is_empty());
    }
}
