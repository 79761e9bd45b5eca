//! Where the generated site goes: a local folder and S3-compatible object storage. Only
//! files whose ETag changed since the last publication are written, and files that left
//! the site are removed.

use super::site::Site;
use anyhow::Context;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::{Attribute, Attributes, ObjectStore, ObjectStoreExt, PutOptions, PutPayload};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A bucket (and optional key prefix) of S3-compatible storage.
#[derive(Debug, Clone)]
pub struct S3Target {
    /// `s3://bucket/prefix`.
    pub url: String,
    /// Endpoint of a non-AWS service (`http://127.0.0.1:9000`); AWS itself when `None`.
    pub endpoint: Option<String>,
    pub region: String,
}

impl S3Target {
    /// Builds the client; credentials come from AWS_ACCESS_KEY_ID and
    /// AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN when set).
    fn client(&self) -> anyhow::Result<(AmazonS3, String)> {
        let parsed = url::Url::parse(&self.url).with_context(|| {
            format!(
                "adresse S3 « {} » invalide : attendu s3://seau/prefixe",
                self.url
            )
        })?;
        if parsed.scheme() != "s3" {
            anyhow::bail!(
                "adresse S3 « {} » invalide : elle doit commencer par s3://",
                self.url
            );
        }
        let bucket = parsed.host_str().unwrap_or_default().to_string();
        let prefix = parsed.path().trim_matches('/').to_string();
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_region(self.region.clone());
        if let Some(endpoint) = &self.endpoint {
            builder = builder
                .with_endpoint(endpoint.clone())
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        let client = builder
            .build()
            .with_context(|| format!("client S3 pour {} impossible à créer", self.url))?;
        Ok((client, prefix))
    }
}

/// Destinations of `serve`'s publisher.
#[derive(Debug, Clone, Default)]
pub struct PublishTargets {
    pub folder: Option<PathBuf>,
    pub s3: Option<S3Target>,
}

impl PublishTargets {
    pub fn is_empty(&self) -> bool {
        self.folder.is_none() && self.s3.is_none()
    }
}

/// ETags already written to each destination, by path.
#[derive(Default)]
pub struct Published {
    folder: BTreeMap<String, String>,
    s3: BTreeMap<String, String>,
}

impl Published {
    /// Writes the changed files to every destination; returns how many files were written.
    pub async fn publish(
        &mut self,
        targets: &PublishTargets,
        site: &Site,
    ) -> anyhow::Result<usize> {
        let mut written = 0;
        if let Some(folder) = &targets.folder {
            let folder = folder.clone();
            let site_copy = site.clone();
            let mut known = std::mem::take(&mut self.folder);
            let (count, known) = tokio::task::spawn_blocking(move || {
                let count = write_folder(&folder, &site_copy, &mut known);
                (count, known)
            })
            .await?;
            self.folder = known;
            written += count?;
        }
        if let Some(target) = &targets.s3 {
            written += write_s3(target, site, &mut self.s3).await?;
        }
        Ok(written)
    }
}

/// Writes the site into `folder`, each file through a temporary name and a rename so a
/// web server never sends half a file; `known` holds the ETags already there.
pub fn write_folder(
    folder: &Path,
    site: &Site,
    known: &mut BTreeMap<String, String>,
) -> anyhow::Result<usize> {
    let mut written = 0;
    for (path, file) in &site.files {
        if known.get(path) == Some(&file.etag) {
            continue;
        }
        let target = folder.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("création du dossier {} impossible", parent.display()))?;
        }
        let temporary = target.with_extension("tmp-urne");
        std::fs::write(&temporary, &file.body)
            .with_context(|| format!("écriture de {} impossible", temporary.display()))?;
        std::fs::rename(&temporary, &target)
            .with_context(|| format!("écriture de {} impossible", target.display()))?;
        known.insert(path.clone(), file.etag.clone());
        written += 1;
    }
    let gone: Vec<String> = known
        .keys()
        .filter(|path| !site.files.contains_key(*path))
        .cloned()
        .collect();
    for path in gone {
        let target = folder.join(&path);
        match std::fs::remove_file(&target) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                return Err(error)
                    .with_context(|| format!("suppression de {} impossible", target.display()));
            }
        }
        known.remove(&path);
    }
    Ok(written)
}

async fn write_s3(
    target: &S3Target,
    site: &Site,
    known: &mut BTreeMap<String, String>,
) -> anyhow::Result<usize> {
    let (client, prefix) = target.client()?;
    let key = |path: &str| {
        if prefix.is_empty() {
            object_store::path::Path::from(path)
        } else {
            object_store::path::Path::from(format!("{prefix}/{path}"))
        }
    };
    let mut written = 0;
    for (path, file) in &site.files {
        if known.get(path) == Some(&file.etag) {
            continue;
        }
        let mut attributes = Attributes::new();
        attributes.insert(Attribute::ContentType, file.content_type.into());
        attributes.insert(Attribute::CacheControl, super::CACHE_CONTROL.into());
        let options = PutOptions {
            attributes,
            ..PutOptions::default()
        };
        client
            .put_opts(&key(path), PutPayload::from(file.body.clone()), options)
            .await
            .with_context(|| format!("envoi de {path} vers {} impossible", target.url))?;
        known.insert(path.clone(), file.etag.clone());
        written += 1;
    }
    let gone: Vec<String> = known
        .keys()
        .filter(|path| !site.files.contains_key(*path))
        .cloned()
        .collect();
    for path in gone {
        client
            .delete(&key(&path))
            .await
            .with_context(|| format!("suppression de {path} dans {} impossible", target.url))?;
        known.remove(&path);
    }
    Ok(written)
}
