//! The plan of the polling places: uploaded through the administration form, served
//! back by `GET /api/v1/elections/{id}/plan`.

use urne_tests::browser::{FormSession, gouesnou_site};

/// Encodes a 4×3 RGB PNG with a different colour in each pixel.
fn small_png() -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, 4, 3);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let pixels: Vec<u8> = (0..36u8).map(|i| i.wrapping_mul(7)).collect();
    let mut writer = encoder.write_header().expect("PNG header");
    writer.write_image_data(&pixels).expect("PNG pixels");
    writer.finish().expect("PNG end");
    bytes
}

fn get_plan(hub: &urne_tests::Hub, id: i64) -> reqwest::blocking::Response {
    hub.client
        .get(hub.url(&format!("/api/v1/elections/{id}/plan")))
        .send()
        .expect("GET plan answered")
}

#[test]
fn plan_uploaded_and_served() {
    let directory = tempfile::tempdir().unwrap();
    let (hub, id) = gouesnou_site(directory.path());
    assert_eq!(get_plan(&hub, id).status().as_u16(), 404);

    let admin = FormSession::login(&hub.base, "admin", urne_tests::browser::PASSWORD);
    let page = admin.get(&format!("/admin/elections/{id}/candidates"));
    assert!(page.body.contains("Aucun plan envoyé."), "{}", page.body);

    // A text file is rejected with a message naming the field, and nothing is stored.
    let rejected = admin.post_file(
        &format!("/admin/elections/{id}/plan"),
        "plan",
        "plan.txt",
        b"pas une image",
    );
    assert_eq!(rejected.status, 400, "{}", rejected.body);
    assert!(rejected.body.contains("hamp « plan »"), "{}", rejected.body);
    assert!(rejected.body.contains("plan.txt"), "{}", rejected.body);
    assert_eq!(get_plan(&hub, id).status().as_u16(), 404);

    let too_large = vec![0xffu8; 2 * 1024 * 1024 + 1];
    let rejected = admin.post_file(
        &format!("/admin/elections/{id}/plan"),
        "plan",
        "plan.jpg",
        &too_large,
    );
    assert!(
        rejected.status == 400 || rejected.status == 413,
        "{}",
        rejected.status
    );
    assert_eq!(get_plan(&hub, id).status().as_u16(), 404);

    // Clerks may read the page but not upload a plan.
    let png = small_png();
    let clerk = FormSession::login(&hub.base, "agent2", urne_tests::browser::PASSWORD);
    let forbidden = clerk.post_file(
        &format!("/admin/elections/{id}/plan"),
        "plan",
        "plan.png",
        &png,
    );
    assert_eq!(forbidden.status, 403, "{}", forbidden.body);
    assert_eq!(get_plan(&hub, id).status().as_u16(), 404);

    let stored = admin.post_file(
        &format!("/admin/elections/{id}/plan"),
        "plan",
        "plan.png",
        &png,
    );
    assert_eq!(stored.status, 303, "{}", stored.body);
    let page = admin.get(&format!("/admin/elections/{id}/candidates?plan=stored"));
    assert!(page.body.contains("Plan des bureaux de vote enregistré."));
    assert!(page.body.contains(&format!("/api/v1/elections/{id}/plan")));

    let served = get_plan(&hub, id);
    assert_eq!(served.status().as_u16(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    let etag = served.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(served.bytes().unwrap().as_ref(), png.as_slice());
    let unchanged = hub
        .client
        .get(hub.url(&format!("/api/v1/elections/{id}/plan")))
        .header("if-none-match", &etag)
        .send()
        .unwrap();
    assert_eq!(unchanged.status().as_u16(), 304);

    let audit = hub.get_json(&format!("/api/v1/elections/{id}/audit"));
    let last = audit["entries"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "display.plan");
    assert_eq!(last["actor"], "admin");
    assert_eq!(last["after"]["bytes"], png.len());

    // Unknown elections get 404 too.
    assert_eq!(get_plan(&hub, 9999).status().as_u16(), 404);
}
