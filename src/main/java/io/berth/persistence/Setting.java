package io.berth.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One engine setting changed at run time (from the dashboard), kept across restarts as a name and a text value. */
@Entity
@Table(name = "settings")
public class Setting {

	@Id
	@Column(length = 128)
	private String name;

	@Column(name = "setting_value", length = 4096)
	private String value;

	protected Setting() {
	}

	public Setting(String name, String value) {
		this.name = name;
		this.value = value;
	}

	public String getName() {
		return this.name;
	}

	public String getValue() {
		return this.value;
	}

}
